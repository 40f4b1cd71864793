package io.surge.query;

import io.surge.cloudevents.Rfc3339;
import io.surge.cloudevents.StructuredWriter;
import io.surge.config.SurgeConfig.QueryConfig;
import io.surge.http.Problems;
import io.surge.security.AuthHandler;
import io.surge.security.Principal;
import io.surge.security.Scope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * The query role's routes: one event, a filtered page of events, a subject's latest event and counts per
 * minute or hour. Reads go to Redis first where it holds the answer, else to Postgres.
 */
public final class QueryRoutes {
  private static final Set<String> LIST_PARAMETERS = Set.of("subject", "type", "source", "from", "to", "limit", "cursor");
  private static final Set<String> STATS_PARAMETERS = Set.of("type", "from", "to", "interval");
  private static final int MAX_BUCKETS = 1440;
  private static final int MAX_AMBIGUOUS_SOURCES = 10;

  private final EventQueries queries;
  private final EventCache cache;
  private final StatsQuery stats;
  private final QueryConfig config;

  public QueryRoutes(io.vertx.sqlclient.Pool pool, io.surge.cache.RedisGate redis,
                     io.surge.config.SurgeConfig.RedisConfig redisConfig, QueryConfig config) {
    this.queries = new EventQueries(pool);
    this.cache = new EventCache(redis, redisConfig);
    this.stats = new StatsQuery(queries, cache);
    this.config = config;
  }

  public void mount(Router router) {
    router.get("/v1/events/:id").handler(AuthHandler.requires(Scope.READ)).handler(this::event);
    router.get("/v1/events").handler(AuthHandler.requires(Scope.READ)).handler(this::list);
    router.get("/v1/subjects/:subject/latest").handler(AuthHandler.requires(Scope.READ)).handler(this::latest);
    router.get("/v1/stats").handler(AuthHandler.requires(Scope.READ)).handler(this::stats);
  }

  /** Every read is scoped to the caller's tenant: another tenant's event is simply not found. */
  private static String tenant(RoutingContext ctx) {
    return Principal.of(ctx).tenant();
  }

  private void event(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String id = ctx.pathParam("id");
    String source = ctx.queryParams().get("source");
    Future<Buffer> body = source != null ? eventBySource(tenant, source, id)
        : queries.sourcesOf(tenant, id, MAX_AMBIGUOUS_SOURCES + 1).compose(sources -> {
          if (sources.size() > 1) {
            return Future.failedFuture(Problems.ambiguousId(id, sources.subList(0, Math.min(sources.size(), MAX_AMBIGUOUS_SOURCES))));
          }
          return sources.isEmpty() ? Future.succeededFuture() : eventBySource(tenant, sources.get(0), id);
        });
    body.onSuccess(b -> {
      if (b == null) {
        ctx.fail(Problems.notFound("no event with id '" + id + "'" + (source == null ? "" : " from source '" + source + "'")));
      } else {
        ctx.response().putHeader("Content-Type", StructuredWriter.MEDIA_TYPE).end(b);
      }
    }).onFailure(ctx::fail);
  }

  /** Cache-aside: Redis, else Postgres and fill Redis. Events never change, so the entry never goes stale. */
  private Future<Buffer> eventBySource(String tenant, String source, String id) {
    return cache.event(tenant, source, id).otherwise((Buffer) null).compose(cached -> cached != null
        ? Future.succeededFuture(cached)
        : queries.byKey(tenant, source, id).map(row -> {
          if (row == null) {
            return null;
          }
          byte[] body = row.structured();
          cache.putEvent(tenant, row, body);
          return Buffer.buffer(body);
        }));
  }

  private void latest(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String subject = ctx.pathParam("subject");
    cache.latest(tenant, subject).otherwise((Buffer) null).compose(cached -> cached != null
            ? Future.succeededFuture(cached)
            : queries.latest(tenant, subject).map(row -> {
              if (row == null) {
                return null;
              }
              byte[] body = row.structured();
              cache.putLatest(tenant, subject, row, body);
              return Buffer.buffer(body);
            }))
        .onSuccess(b -> {
          if (b == null) {
            ctx.fail(Problems.notFound("no event with subject '" + subject + "'"));
          } else {
            ctx.response().putHeader("Content-Type", StructuredWriter.MEDIA_TYPE).end(b);
          }
        })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    rejectUnknown(ctx, LIST_PARAMETERS);
    EventFilter filter = new EventFilter(text(ctx, "subject"), text(ctx, "type"), text(ctx, "source"),
        time(ctx, "from"), time(ctx, "to"));
    if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
      throw Problems.badParameter("to", "to must be after from");
    }
    int limit = limit(ctx);
    String cursorParam = text(ctx, "cursor");
    Cursor cursor = cursorParam == null ? null : Cursor.decode(cursorParam);
    queries.list(tenant(ctx), filter, cursor, limit + 1).onSuccess(rows -> {
      StringBuilder body = new StringBuilder(256 * rows.size() + 64).append("{\"events\":[");
      int shown = Math.min(rows.size(), limit);
      for (int i = 0; i < shown; i++) {
        if (i > 0) {
          body.append(',');
        }
        body.append(new String(rows.get(i).structured(), java.nio.charset.StandardCharsets.UTF_8));
      }
      body.append("],\"nextCursor\":");
      if (rows.size() > limit) {
        EventRow last = rows.get(limit - 1);
        body.append('"').append(new Cursor(io.surge.pipeline.CacheWriter.micros(last.ts()), last.seq()).encode()).append('"');
      } else {
        body.append("null");
      }
      ctx.response().putHeader("Content-Type", "application/json").end(body.append('}').toString());
    }).onFailure(ctx::fail);
  }

  private void stats(RoutingContext ctx) {
    rejectUnknown(ctx, STATS_PARAMETERS);
    String interval = ctx.queryParams().get("interval") == null ? "minute" : ctx.queryParams().get("interval");
    ChronoUnit unit = switch (interval) {
      case "minute" -> ChronoUnit.MINUTES;
      case "hour" -> ChronoUnit.HOURS;
      default -> throw Problems.badParameter("interval", "interval is minute or hour");
    };
    OffsetDateTime toParam = time(ctx, "to");
    OffsetDateTime fromParam = time(ctx, "from");
    Instant to = ceil(toParam == null ? Instant.now() : toParam.toInstant(), unit);
    Instant from = fromParam == null ? to.minus(60, unit) : fromParam.toInstant().truncatedTo(unit);
    if (!from.isBefore(to)) {
      throw Problems.badParameter("to", "to must be after from");
    }
    if (unit.between(from, to) > MAX_BUCKETS) {
      throw Problems.badParameter("from", "at most " + MAX_BUCKETS + " buckets per query; narrow from/to or use interval=hour");
    }
    String type = text(ctx, "type");
    stats.counts(tenant(ctx), type, from, to, unit).onSuccess(counts -> {
      JsonArray buckets = new JsonArray();
      counts.forEach((start, count) -> buckets.add(new JsonObject().put("start", start.toString()).put("count", count)));
      JsonObject body = new JsonObject().put("interval", interval).put("from", from.toString()).put("to", to.toString())
          .put("type", type).put("buckets", buckets);
      ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }).onFailure(ctx::fail);
  }

  private int limit(RoutingContext ctx) {
    String raw = text(ctx, "limit");
    if (raw == null) {
      return config.defaultLimit();
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= config.maxLimit()) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw Problems.badParameter("limit", "limit is a whole number from 1 to " + config.maxLimit());
  }

  private static void rejectUnknown(RoutingContext ctx, Set<String> known) {
    for (String name : ctx.queryParams().names()) {
      if (!known.contains(name)) {
        throw Problems.badParameter(name, "unknown parameter '" + name + "'; known: " + known);
      }
    }
  }

  /** A non-empty, single-valued parameter, or null when absent. */
  private static String text(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParams().getAll(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1 || values.get(0).isEmpty()) {
      throw Problems.badParameter(name, name + " must be given once and not empty");
    }
    return values.get(0);
  }

  private static OffsetDateTime time(RoutingContext ctx, String name) {
    String raw = text(ctx, name);
    if (raw == null) {
      return null;
    }
    if (!Rfc3339.isValid(raw)) {
      throw Problems.badParameter(name, name + " must be an RFC 3339 date-time, like 2026-11-28T15:00:00Z");
    }
    return Rfc3339.parse(raw);
  }

  private static Instant ceil(Instant t, ChronoUnit unit) {
    Instant floor = t.truncatedTo(unit);
    return floor.equals(t) ? t : floor.plus(1, unit);
  }
}
