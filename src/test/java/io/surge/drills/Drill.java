package io.surge.drills;

import io.surge.db.Postgres;
import io.surge.drills.Ledger.EventKey;
import io.surge.testing.SurgeProcess;
import io.surge.testing.TestSurge;
import io.surge.testing.TopicReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.surge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One fault drill: Surge in child processes ({@code surge run --roles ...}) sharing a topic, database and Redis
 * prefix of their own; a paced load with a ledger; a fault at a moment the test picks; then the ledger against
 * the {@code events} table, and the Redis counters against Postgres.
 *
 * <p>{@code -Dsurge.drills.long=true} multiplies the events of every drill by 12 (about a minute of load each),
 * for {@code scripts/drills.sh}; the default keeps each drill to seconds of load.
 */
final class Drill implements AutoCloseable {
  static final boolean LONG = Boolean.getBoolean("surge.drills.long");
  private static final int SCALE = LONG ? 12 : 1;
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final String name;
  private final Vertx vertx;
  private final String kafkaBootstrap;
  private final Map<String, String> env;
  private final String prefix;
  private final Pool db;
  private final Redis redis;
  private final Ledger ledger = new Ledger();
  private final List<SurgeProcess> processes = new ArrayList<>();
  private final List<long[]> samples = new CopyOnWriteArrayList<>();
  private final long sampler;
  private final String runId = UUID.randomUUID().toString().substring(0, 6);
  private final List<Load> loads = new ArrayList<>();
  private Future<Void> loadDone;
  private String fault;
  private long faultNanos;
  private Instant faultWall;
  private long healNanos;
  private boolean sampling;

  private Drill(String name, Vertx vertx, String kafkaBootstrap, Map<String, String> overrides) {
    this.name = name;
    this.vertx = vertx;
    this.kafkaBootstrap = kafkaBootstrap;
    Map<String, String> base = new HashMap<>();
    base.put("SURGE_KAFKA_PARTITIONS", "6");
    base.putAll(overrides);
    this.env = TestSurge.env(kafkaBootstrap, TestSurge.uniqueTopic("drill-" + name), base);
    this.prefix = env.get("SURGE_REDIS_KEY_PREFIX");
    // Created here, not by the processes: two of them creating one database at once can race.
    Postgres.ensureDatabase(vertx, env.get("SURGE_PG_URL")).await();
    this.db = Postgres.pool(vertx, env.get("SURGE_PG_URL"), 2);
    this.redis = Redis.createClient(vertx, env.get("SURGE_REDIS_URL"));
    this.sampler = vertx.setPeriodic(250, id -> sample());
  }

  /** A drill against {@code kafkaBootstrap}; {@code overrides} are SURGE_* variables (a private engine's URL). */
  static Drill prepare(Vertx vertx, String name, String kafkaBootstrap, Map<String, String> overrides) {
    return new Drill(name, vertx, kafkaBootstrap, overrides);
  }

  static int events(int shortRun) {
    return shortRun * SCALE;
  }

  /** Starts one process per entry of {@code roles} (each a --roles value) and waits until each is up. */
  List<SurgeProcess> start(String... roles) {
    return start(Map.of(), roles);
  }

  /** {@link #start(String...)} with more SURGE_* variables for these processes (e.g. a worker identity). */
  List<SurgeProcess> start(Map<String, String> extraEnv, String... roles) {
    Map<String, String> processEnv = new java.util.HashMap<>(env);
    processEnv.putAll(extraEnv);
    List<SurgeProcess> started = new ArrayList<>();
    for (String r : roles) {
      started.add(SurgeProcess.start(processEnv, r));
    }
    processes.addAll(started);
    for (int i = 0; i < roles.length; i++) {
      started.get(i).awaitLog(roles[i].contains("ingest") ? "listening on" : "worker(s) consuming");
    }
    return started;
  }

  /**
   * Declares every counter of this run's Redis prefix complete from the current minute: true, as no event of the
   * run exists yet. Without it the workers' first update marks the next minute, and a drill of seconds would
   * compare no minute at all. (A heal of the cache still moves it on.)
   */
  void markCountersCompleteFromNow() {
    long minute = Math.floorDiv(Instant.now().getEpochSecond(), 60);
    redis.send(Request.cmd(Command.SET).arg(prefix + "stats:validFrom").arg(minute).arg("NX")).await();
  }

  /** Starts the load: {@code events} events at {@code perSecond}, over these ingest processes. */
  void startLoad(List<SurgeProcess> ingest, int events, int perSecond) {
    Load load = new Load(vertx, ingest.stream().map(SurgeProcess::httpPort).toList(), "/drill/" + name, runId, events,
        perSecond, ledger);
    loads.add(load);
    loadDone = load.start();
  }

  /**
   * Carries the drill into a minute the statsValidFrom mark declares complete, with a trickle of load (up to 75 s),
   * so that Redis has a minute to be compared at all: the workers move the mark to the next minute whenever they
   * heal the cache (after a Redis outage, and whenever their Redis queue overflows). Starts once the load has ended;
   * if no such minute comes, the result says so and the counter assertions fail.
   */
  void carryIntoMarkedMinute(List<SurgeProcess> ingest) {
    eventually(Duration.ofSeconds(200), () -> assertTrue(loadDone.isComplete(), "the load is still running"));
    Load trickle = new Load(vertx, ingest.stream().map(SurgeProcess::httpPort).toList(), "/drill/" + name,
        runId + "t", Integer.MAX_VALUE, 20, ledger);
    loads.add(trickle);
    loadDone = Future.all(loadDone, trickle.start()).mapEmpty();
    try {
      // A cache that never heals counts nothing: no minute will come, so do not wait for one.
      eventually(Duration.ofSeconds(15), () -> assertTrue(counters().redisTotal() > 0, "Redis counts no event"));
      eventually(Duration.ofSeconds(75), () -> {
        Long mark = statsMark();
        assertNotNull(mark, "no statsValidFrom mark in Redis");
        assertTrue(rowsReceivedFrom(mark) >= 20, "too few events persisted from the marked minute on yet");
      });
    } catch (AssertionError e) {
      System.out.println("DRILL " + name + ": " + e.getMessage());
    } finally {
      trickle.stop();
    }
  }

  void awaitAcknowledged(int events) {
    eventually(Duration.ofSeconds(60), () -> assertTrue(ledger.size() >= events,
        "acknowledged " + ledger.size() + " of the " + events + " wanted before going on"));
  }

  Ledger ledger() {
    return ledger;
  }

  /** Runs the fault now and remembers when. */
  void fault(String description, Runnable action) {
    fault = description;
    faultNanos = System.nanoTime();
    faultWall = Instant.now();
    action.run();
  }

  /** Undoes the fault (engine started again) and remembers when. */
  void heal(Runnable action) {
    action.run();
    healNanos = System.nanoTime();
  }

  long faultNanos() {
    return faultNanos;
  }

  /** Every load sends nothing more to this process (see {@link Load#avoid}). */
  void avoid(SurgeProcess process) {
    loads.forEach(l -> l.avoid(process.httpPort()));
  }

  /** Failed attempts since the fault, by kind (an exception's class, or the status answered). */
  Map<String, Long> failuresSinceFault() {
    Map<String, Long> kinds = new TreeMap<>();
    loads.forEach(l -> l.failures().stream().filter(f -> f.nanos() - faultNanos > 0)
        .forEach(f -> kinds.merge(f.kind(), 1L, Long::sum)));
    return kinds;
  }

  /**
   * Lets an outage last until {@code requests} requests (acknowledged or failed) have met it, or, when fewer events
   * were left unacknowledged at the fault, until every one of those has: on a loaded machine acknowledgements come
   * in bursts, and the load may be nearly done by the time the fault comes. A machine too slow for that within
   * {@code timeout} ends the outage then, provided some request met it.
   */
  void awaitLoadMeetsFault(Duration timeout, int requests) {
    long wanted = Math.min(requests, loads.stream().mapToLong(Load::events).sum() - ledger.ackedBefore(faultNanos));
    try {
      eventually(timeout, () -> assertTrue(requestsSinceFault() >= wanted,
          "the load has not met the outage yet: " + requestsSinceFault() + " of " + wanted + " requests"));
    } catch (AssertionError slow) {
      System.out.println("DRILL " + name + ": " + slow.getMessage());
      assertTrue(requestsSinceFault() > 0, "no request met the outage");
    }
  }

  /** Events acknowledged, and attempts failed, since the fault. */
  private long requestsSinceFault() {
    return ledger.ackedAfter(faultNanos) + failedAttemptsSinceFault();
  }

  long failedAttemptsSinceFault() {
    return loads.stream().mapToLong(l -> l.failuresAfter(faultNanos)).sum();
  }

  long persistedRows() {
    return rowCount();
  }

  /** Events persisted whose worker polled them at or after the start of {@code epochMinute}. */
  long rowsReceivedFrom(long epochMinute) {
    OffsetDateTime from = OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochMinute * 60), ZoneOffset.UTC);
    return db.preparedQuery("SELECT count(*) FROM events WHERE received_at >= $1").execute(Tuple.of(from))
        .await().iterator().next().getLong(0);
  }

  Long statsMark() {
    Response mark = redis.send(Request.cmd(Command.GET).arg(prefix + "stats:validFrom")).await();
    return mark == null ? null : Long.parseLong(mark.toString());
  }

  /**
   * Waits for the load to end and the pipeline to drain (every acknowledged event in Postgres, up to
   * {@code timeout}), then measures. {@code counters} waits for Redis to agree with Postgres from the mark on;
   * false when the drill expects it may not (the result then says by how much).
   */
  DrillResult drain(Duration timeout, boolean countersShouldMatch) {
    eventually(Duration.ofSeconds(200), () -> assertTrue(loadDone.isComplete(), "the load is still running"));
    eventually(timeout, () -> assertTrue(rowCount() >= ledger.size(),
        "persisted " + rowCount() + " of " + ledger.size() + " acknowledged events"));
    long drained = System.nanoTime();
    vertx.cancelTimer(sampler);

    Set<EventKey> acknowledged = ledger.keys();
    Set<EventKey> persisted = persistedKeys();
    Set<EventKey> missing = new HashSet<>(acknowledged);
    missing.removeAll(persisted);
    Set<EventKey> extra = new HashSet<>(persisted);
    extra.removeAll(acknowledged);

    DrillResult.Counters counters = countersShouldMatch
        ? awaitCountersMatching()
        : settledCounters();
    long kafkaRecords;
    try (TopicReader topic = new TopicReader(kafkaBootstrap, env.get("SURGE_KAFKA_TOPIC"))) {
      kafkaRecords = topic.totalRecords(env.get("SURGE_KAFKA_TOPIC"));
    }
    Map<String, Long> failures = new TreeMap<>();
    loads.forEach(l -> l.failuresByKind().forEach((k, v) -> failures.merge(k, v, Long::sum)));
    long baseline = lastSampleAtOrBefore(faultNanos);
    long healed = healNanos == 0 ? faultNanos : healNanos;
    long lastFailure = loads.stream().mapToLong(l -> l.lastFailureAfter(faultNanos)).max().orElse(-1L);
    DrillResult result = new DrillResult(name + (LONG ? "-long" : ""), fault, acknowledged.size(), ledger.perSecond(),
        ledger.acks(),
        loads.stream().mapToLong(Load::attempts).sum(), failures, loads.stream().mapToLong(Load::gaveUp).sum(),
        persisted.size(), missing, extra, kafkaRecords, ledger.ackedBefore(faultNanos), ledger.ackedAfter(faultNanos),
        failedAttemptsSinceFault(), since(lastFailure, faultNanos), healNanos == 0 ? Double.NaN : seconds(healNanos - faultNanos),
        since(ledger.firstAckAfter(faultNanos), faultNanos), since(firstSampleAbove(faultNanos, baseline), faultNanos),
        healNanos == 0 ? Double.NaN : since(firstSampleAbove(healed, Math.max(baseline, lastSampleAtOrBefore(healed))), healed),
        seconds(drained - faultNanos), longestPartitionGap(), counters);
    result.record();
    return result;
  }

  private DrillResult.Counters awaitCountersMatching() {
    try {
      return eventually(Duration.ofSeconds(30), () -> {
        DrillResult.Counters c = counters();
        assertNotNull(c.mark(), "no statsValidFrom mark");
        assertTrue(c.mismatchesFromMark().isEmpty(), "minutes whose Redis total differs from Postgres");
        return c;
      });
    } catch (AssertionError e) {
      return counters(); // the result records them; the test's assertion says what differs
    }
  }

  /**
   * Counters once Redis has not changed for 2 s: each batch's update is sent after its commit, behind the batches
   * before it, so Redis may trail Postgres for a moment after the drain.
   */
  private DrillResult.Counters settledCounters() {
    DrillResult.Counters[] last = {counters()};
    long[] changed = {System.nanoTime()};
    return eventually(Duration.ofSeconds(20), () -> {
      DrillResult.Counters now = counters();
      if (!now.redis().equals(last[0].redis()) || !java.util.Objects.equals(now.mark(), last[0].mark())) {
        changed[0] = System.nanoTime();
      }
      last[0] = now;
      assertTrue(System.nanoTime() - changed[0] > 2_000_000_000L, "Redis counters still changing");
      return now;
    });
  }

  DrillResult.Counters counters() {
    Map<Long, Long> pg = new TreeMap<>();
    for (Row row : db.query("SELECT floor(extract(epoch FROM received_at) / 60)::bigint, count(*) FROM events GROUP BY 1")
        .execute().await()) {
      pg.put(row.getLong(0), row.getLong(1));
    }
    Map<Long, Long> cached = new TreeMap<>();
    String keyPrefix = prefix + "default:stats:";
    Response keys = redis.send(Request.cmd(Command.KEYS).arg(keyPrefix + "*")).await();
    for (Response key : keys) {
      Response total = redis.send(Request.cmd(Command.HGET).arg(key.toString()).arg("*")).await();
      if (total != null) {
        cached.put(Long.parseLong(key.toString().substring(keyPrefix.length())), total.toLong());
      }
    }
    return new DrillResult.Counters(statsMark(), pg, cached);
  }

  private long rowCount() {
    return db.query("SELECT count(*) FROM events").execute().await().iterator().next().getLong(0);
  }

  private Set<EventKey> persistedKeys() {
    Set<EventKey> keys = new HashSet<>();
    for (Row row : db.query("SELECT source, id FROM events").execute().await()) {
      keys.add(new EventKey(row.getString(0), row.getString(1)));
    }
    return keys;
  }

  /**
   * The longest any Kafka partition went unread from the fault on: the largest gap between two successive polls
   * that returned its events (received_at is when a worker polled a record). Under steady load a partition is
   * read every few tens of milliseconds; a stall shows as a gap.
   */
  private double longestPartitionGap() {
    OffsetDateTime from = OffsetDateTime.ofInstant(faultWall.minusSeconds(1), ZoneOffset.UTC);
    Row row = db.preparedQuery("""
        SELECT coalesce(extract(epoch FROM max(gap)), 0)::float8 FROM (
          SELECT received_at - lag(received_at) OVER (PARTITION BY kafka_partition ORDER BY received_at) AS gap
          FROM events WHERE received_at >= $1) g""").execute(Tuple.of(from)).await().iterator().next();
    return row.getDouble(0);
  }

  private void sample() {
    if (sampling) {
      return;
    }
    sampling = true;
    long at = System.nanoTime();
    db.query("SELECT count(*) FROM events").execute()
        .onSuccess(rows -> samples.add(new long[] {at, rows.iterator().next().getLong(0)}))
        .onComplete(ar -> sampling = false);
  }

  private long lastSampleAtOrBefore(long nanos) {
    long count = 0;
    for (long[] s : samples) {
      if (s[0] - nanos <= 0) {
        count = Math.max(count, s[1]);
      }
    }
    return count;
  }

  private long firstSampleAbove(long nanos, long count) {
    for (long[] s : samples) {
      if (s[0] - nanos > 0 && s[1] > count) {
        return s[0];
      }
    }
    return -1;
  }

  private static double since(long nanos, long from) {
    return nanos == -1 ? Double.NaN : seconds(nanos - from);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  @Override
  public void close() {
    vertx.cancelTimer(sampler);
    loads.forEach(Load::close);
    for (SurgeProcess p : processes) {
      p.close();
    }
    db.close();
    redis.close();
  }
}
