package io.surge.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.surge.cache.LatestScript;
import io.surge.cache.RedisFailures;
import io.surge.cache.RedisKeys;
import io.surge.cloudevents.StructuredWriter;
import io.surge.config.SurgeConfig.RedisConfig;
import io.surge.pipeline.EventWriter.Persisted;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Keeps Redis in step with what the workers persisted, one pipeline per batch: the latest event per
 * (tenant, subject), a capped recent list per subject and per-type counters per minute.
 *
 * <p>Redis is a cache: a failed update never holds back persisting. What a failed update would have written is
 * remembered (bounded) and written, newest-wins, when Redis answers again; recent lists it touched are dropped;
 * counters before the recovery minute are declared incomplete ({@link RedisKeys#statsValidFrom}), so stats for
 * them come from Postgres. Past the bound, every latest and recent entry is swept instead. Each failed update
 * or heal counts once in {@code surge.redis.failures{operation=cache_write}}.
 */
public final class CacheWriter {
  private static final Logger LOG = LoggerFactory.getLogger(CacheWriter.class);
  private static final int MAX_PENDING_SUBJECTS = 100_000;
  private static final int MAX_QUEUED_BATCHES = 4;
  /** Events of the batches that came while {@link #MAX_QUEUED_BATCHES} were queued, sent as one pipeline. */
  private static final int MAX_WAITING_EVENTS = 50_000;
  private static final long TIMEOUT_MS = 2000;

  private static final long HEAL_RETRY_MS = 1000;

  private final Vertx vertx;
  private final Redis redis;
  private final RedisKeys keys;
  private final RedisConfig config;
  private final LatestScript latest = new LatestScript();
  private final Counter failures;

  // Guarded by this: heal state, and the chain that keeps batches in order.
  private final Map<String, Latest> pendingLatest = new HashMap<>();
  private final Set<String> dirtyRecent = new HashSet<>();
  private boolean failed;
  private boolean overflowed;
  private int queued;
  private boolean healScheduled;
  private Future<Void> chain = Future.succeededFuture();
  private List<Persisted> waiting = new ArrayList<>();

  public CacheWriter(Vertx vertx, Redis redis, RedisConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.redis = redis;
    this.keys = new RedisKeys(config.keyPrefix());
    this.config = config;
    this.failures = RedisFailures.counter(registry, "cache_write");
  }

  private record Latest(String key, long tsMicros, long seq, byte[] body) {
    boolean newerThan(Latest other) {
      return tsMicros > other.tsMicros || (tsMicros == other.tsMicros && seq > other.seq);
    }
  }

  /**
   * Queues the batch's cache update behind the previous one; the future never fails. Past a few queued batches
   * (Redis slower than the workers for a moment, or a busy machine), later batches join one waiting pipeline
   * instead of queueing one each; past a bound, they are remembered and healed.
   */
  public synchronized Future<Void> update(List<Persisted> batch) {
    if (batch.isEmpty()) {
      return chain;
    }
    if (queued < MAX_QUEUED_BATCHES) {
      enqueue(() -> batch);
    } else if (waiting.size() + batch.size() <= MAX_WAITING_EVENTS) {
      if (waiting.isEmpty()) {
        enqueue(this::takeWaiting);
      }
      waiting.addAll(batch);
    } else {
      remember(batch); // Redis cannot keep up at all: heal later rather than hold memory without bound
      scheduleHeal();
    }
    return chain;
  }

  /** Completes once every update queued so far was sent (or given up on): a graceful stop waits for it. */
  public synchronized Future<Void> idle() {
    return chain;
  }

  private void enqueue(java.util.function.Supplier<List<Persisted>> batch) {
    queued++;
    chain = chain.transform(v -> send(batch.get())).andThen(v -> {
      synchronized (this) {
        queued--;
      }
    });
  }

  private synchronized List<Persisted> takeWaiting() {
    List<Persisted> taken = waiting;
    waiting = new ArrayList<>();
    return taken;
  }

  private Future<Void> send(List<Persisted> batch) {
    Future<Void> healed = heal();
    return healed.compose(v -> latest.batch(redis, () -> requests(batch)))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(e -> {
          failures.increment();
          synchronized (this) {
            if (!failed) {
              LOG.warn("Redis update failed, will heal the cache when Redis answers: {}", e.toString());
            }
          }
          remember(batch);
          scheduleHeal();
          return Future.succeededFuture();
        });
  }

  /** Heals without waiting for the next batch, so a quiet subject does not keep a stale entry. */
  private void scheduleHeal() {
    synchronized (this) {
      if (healScheduled) {
        return;
      }
      healScheduled = true;
    }
    vertx.setTimer(HEAL_RETRY_MS, id -> {
      synchronized (this) {
        healScheduled = false;
        chain = chain.transform(v -> heal().timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).recover(e -> {
          failures.increment();
          scheduleHeal();
          return Future.succeededFuture();
        }));
      }
    });
  }

  private List<Request> requests(List<Persisted> batch) {
    List<Request> requests = new ArrayList<>();
    Map<String, Latest> newest = new LinkedHashMap<>();
    Map<String, List<byte[]>> recent = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> counts = new HashMap<>();
    for (Persisted p : batch) {
      StoredEvent s = p.stored();
      String subject = s.event().subject();
      if (subject != null) {
        byte[] body = StructuredWriter.write(s.event(), s.dataForm());
        Latest candidate = new Latest(keys.latest(s.tenant(), subject), micros(s.ts()), p.seq(), body);
        newest.merge(candidate.key(), candidate, (a, b) -> b.newerThan(a) ? b : a);
        recent.computeIfAbsent(keys.recent(s.tenant(), subject), k -> new ArrayList<>()).add(body);
      }
      String stats = keys.stats(s.tenant(), epochMinute(s.receivedAt()));
      Map<String, Integer> byType = counts.computeIfAbsent(stats, k -> new HashMap<>());
      byType.merge(s.event().type(), 1, Integer::sum);
      byType.merge("*", 1, Integer::sum);
    }
    for (Latest l : newest.values()) {
      requests.add(latest.request(l.key(), l.tsMicros(), l.seq(), l.body(), config.latestTtlSeconds()));
    }
    for (Map.Entry<String, List<byte[]>> e : recent.entrySet()) {
      Request push = Request.cmd(Command.LPUSH).arg(e.getKey());
      e.getValue().forEach(push::arg);
      requests.add(push);
      requests.add(Request.cmd(Command.LTRIM).arg(e.getKey()).arg(0).arg(config.recentSize() - 1));
      requests.add(Request.cmd(Command.EXPIRE).arg(e.getKey()).arg(config.latestTtlSeconds()));
    }
    for (Map.Entry<String, Map<String, Integer>> e : counts.entrySet()) {
      for (Map.Entry<String, Integer> c : e.getValue().entrySet()) {
        requests.add(Request.cmd(Command.HINCRBY).arg(e.getKey()).arg(c.getKey()).arg(c.getValue()));
      }
      requests.add(Request.cmd(Command.EXPIRE).arg(e.getKey()).arg(config.statsTtlSeconds()));
    }
    // Counters are complete from the minute after the first update a Redis instance sees (NX: a restarted,
    // empty Redis gets a new mark; a running one keeps its mark).
    requests.add(Request.cmd(Command.SET).arg(keys.statsValidFrom()).arg(nextMinute()).arg("NX"));
    return requests;
  }

  /** Writes what failed updates missed, before anything newer; a no-op when nothing failed. */
  private Future<Void> heal() {
    Map<String, Latest> latestToWrite;
    Set<String> recentToDrop;
    boolean sweep;
    synchronized (this) {
      if (!failed) {
        return Future.succeededFuture();
      }
      latestToWrite = new HashMap<>(pendingLatest);
      recentToDrop = new HashSet<>(dirtyRecent);
      sweep = overflowed;
    }
    Future<Void> cleared = sweep ? sweep() : latest.batch(redis, () -> {
      List<Request> requests = new ArrayList<>();
      latestToWrite.values().forEach(l ->
          requests.add(latest.request(l.key(), l.tsMicros(), l.seq(), l.body(), config.latestTtlSeconds())));
      recentToDrop.forEach(k -> requests.add(Request.cmd(Command.UNLINK).arg(k)));
      requests.add(Request.cmd(Command.SET).arg(keys.statsValidFrom()).arg(nextMinute()));
      return requests;
    }).mapEmpty();
    return cleared.compose(v -> sweep
            ? redis.send(Request.cmd(Command.SET).arg(keys.statsValidFrom()).arg(nextMinute())).mapEmpty()
            : Future.<Void>succeededFuture())
        .onSuccess(v -> {
          synchronized (this) {
            latestToWrite.keySet().forEach(pendingLatest::remove);
            dirtyRecent.removeAll(recentToDrop);
            failed = !pendingLatest.isEmpty() || !dirtyRecent.isEmpty();
            if (sweep) {
              overflowed = false;
              failed = false;
            }
          }
          LOG.info("Redis answers again; cache healed ({})", sweep ? "swept every subject entry"
              : latestToWrite.size() + " latest entries rewritten, " + recentToDrop.size() + " recent lists dropped");
        });
  }

  /** Deletes every latest and recent entry: after an outage too long to remember what it missed. */
  private Future<Void> sweep() {
    Future<Void> done = Future.succeededFuture();
    for (String pattern : keys.subjectEntryPatterns()) {
      done = done.compose(v -> sweep(pattern, "0"));
    }
    return done;
  }

  private Future<Void> sweep(String pattern, String cursor) {
    return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000))
        .compose(page -> {
          String next = page.get(0).toString();
          Response found = page.get(1);
          Future<?> deleted = Future.succeededFuture();
          if (found.size() > 0) {
            Request unlink = Request.cmd(Command.UNLINK);
            found.forEach(k -> unlink.arg(k.toString()));
            deleted = redis.send(unlink);
          }
          return deleted.compose(v -> "0".equals(next) ? Future.<Void>succeededFuture() : sweep(pattern, next));
        });
  }

  private synchronized void remember(List<Persisted> batch) {
    failed = true;
    if (overflowed) {
      return;
    }
    for (Persisted p : batch) {
      StoredEvent s = p.stored();
      String subject = s.event().subject();
      if (subject == null) {
        continue;
      }
      Latest candidate = new Latest(keys.latest(s.tenant(), subject), micros(s.ts()), p.seq(),
          StructuredWriter.write(s.event(), s.dataForm()));
      pendingLatest.merge(candidate.key(), candidate, (a, b) -> b.newerThan(a) ? b : a);
      dirtyRecent.add(keys.recent(s.tenant(), subject));
    }
    if (pendingLatest.size() > MAX_PENDING_SUBJECTS || dirtyRecent.size() > MAX_PENDING_SUBJECTS) {
      overflowed = true;
      pendingLatest.clear();
      dirtyRecent.clear();
    }
  }

  public static long micros(OffsetDateTime t) {
    return t.toEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  public static long epochMinute(OffsetDateTime t) {
    return Math.floorDiv(t.toEpochSecond(), 60);
  }

  private static long nextMinute() {
    return epochMinute(OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)) + 1;
  }
}
