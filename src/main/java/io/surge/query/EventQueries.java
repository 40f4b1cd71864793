package io.surge.query;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Postgres side of the query API; every statement is scoped to one tenant and uses an index. */
final class EventQueries {
  private static final String FROM = "SELECT " + EventRow.COLUMNS + " FROM events WHERE tenant = $1";

  private final Pool pool;

  EventQueries(Pool pool) {
    this.pool = pool;
  }

  /** The event, or null. */
  Future<EventRow> byKey(String tenant, String source, String id) {
    return pool.preparedQuery(FROM + " AND source = $2 AND id = $3").execute(Tuple.of(tenant, source, id))
        .map(EventQueries::firstOrNull);
  }

  /** Up to {@code max} sources that have an event with this id. */
  Future<List<String>> sourcesOf(String tenant, String id, int max) {
    return pool.preparedQuery("SELECT source FROM events WHERE tenant = $1 AND id = $2 ORDER BY source LIMIT $3")
        .execute(Tuple.of(tenant, id, max))
        .map(rows -> {
          List<String> sources = new ArrayList<>(rows.size());
          rows.forEach(r -> sources.add(r.getString(0)));
          return sources;
        });
  }

  Future<EventRow> latest(String tenant, String subject) {
    return pool.preparedQuery(FROM + " AND subject = $2 ORDER BY ts DESC, seq DESC LIMIT 1")
        .execute(Tuple.of(tenant, subject))
        .map(EventQueries::firstOrNull);
  }

  /** Newest first by (ts, seq), strictly after {@code after} when given. */
  Future<List<EventRow>> list(String tenant, EventFilter filter, Cursor after, int limit) {
    StringBuilder sql = new StringBuilder(FROM);
    Tuple params = Tuple.of(tenant);
    condition(sql, params, "subject = ", filter.subject());
    condition(sql, params, "type = ", filter.type());
    condition(sql, params, "source = ", filter.source());
    condition(sql, params, "ts >= ", filter.from());
    condition(sql, params, "ts < ", filter.to());
    if (after != null) {
      params.addOffsetDateTime(fromMicros(after.tsMicros())).addLong(after.seq());
      sql.append(" AND (ts, seq) < ($").append(params.size() - 1).append(", $").append(params.size()).append(')');
    }
    params.addInteger(limit);
    sql.append(" ORDER BY ts DESC, seq DESC LIMIT $").append(params.size());
    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
      List<EventRow> events = new ArrayList<>(rows.size());
      rows.forEach(r -> events.add(EventRow.from(r)));
      return events;
    });
  }

  /** Events persisted per bucket ({@code unit} minute or hour, UTC) in [from, to): bucket start -> count. */
  Future<Map<Instant, Long>> counts(String tenant, String type, Instant from, Instant to, ChronoUnit unit) {
    String sql = "SELECT date_trunc('" + (unit == ChronoUnit.HOURS ? "hour" : "minute")
        + "', received_at AT TIME ZONE 'UTC') AS bucket, count(*) FROM events"
        + " WHERE tenant = $1 AND received_at >= $2 AND received_at < $3"
        + (type == null ? "" : " AND type = $4") + " GROUP BY bucket";
    Tuple params = Tuple.of(tenant, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
    if (type != null) {
      params.addString(type);
    }
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      Map<Instant, Long> counts = new HashMap<>();
      for (Row r : rows) {
        LocalDateTime bucket = r.getLocalDateTime(0);
        counts.put(bucket.toInstant(ZoneOffset.UTC), r.getLong(1));
      }
      return counts;
    });
  }

  static OffsetDateTime fromMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static void condition(StringBuilder sql, Tuple params, String clause, Object value) {
    if (value != null) {
      params.addValue(value);
      sql.append(" AND ").append(clause).append('$').append(params.size());
    }
  }

  private static EventRow firstOrNull(RowSet<Row> rows) {
    return rows.size() == 0 ? null : EventRow.from(rows.iterator().next());
  }
}
