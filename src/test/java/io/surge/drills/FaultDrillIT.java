package io.surge.drills;

import io.surge.dev.EmbeddedKafka;
import io.surge.testing.KafkaEngine;
import io.surge.testing.PostgresEngine;
import io.surge.testing.RedisEngine;
import io.surge.testing.SurgeProcess;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.surge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault drills: Surge under load in child processes, one fault each, then the ledger of every 202 against the
 * events table. Each drill asserts that no acknowledged event is lost, that duplicates are absorbed (one row per
 * acknowledged event, no more), that the load really straddled the fault, and what it can of the Redis counters.
 * Results go to target/drills/ and docs/RELIABILITY.md. {@code -Dsurge.drills.long=true}: 12 times the events.
 */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class FaultDrillIT {
  private static final int EVENTS = Drill.events(1200);
  private static final int PER_SECOND = 300;
  private static final int FAULT_AT = EVENTS * 4 / 10;
  // An outage of a dependency lasts until this many requests met it (about 2 s of load).
  private static final int OUTAGE_EVENTS = Drill.events(600);
  // 600 events take 2 s at 300/s; a loaded CI machine, seen to acknowledge under 20 a second, ends it sooner
  private static final Duration OUTAGE_WAIT = Duration.ofSeconds(Drill.LONG ? 180 : 30);
  // A worker killed by kill -9 holds its partitions until its consumer session times out (45 s today).
  private static final Duration DRAIN = Duration.ofSeconds(120);

  private Drill drill;
  private EmbeddedKafka kafka;
  private PostgresEngine.Private pg;
  private RedisEngine.Private redis;

  @AfterEach
  void stop() {
    if (drill != null) {
      drill.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (pg != null) {
      pg.stop();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  @Test
  void killNineOfAWorkerUnderLoad(Vertx vertx) {
    drill = Drill.prepare(vertx, "worker-kill-9", KafkaEngine.bootstrap(), Map.of());
    // the killed worker comes back under the same identity, as a restarted pod or systemd unit would: static
    // membership hands it its partitions at once instead of after the session timeout
    Map<String, String> identity = Map.of("SURGE_PIPELINE_INSTANCE_ID", "drill-worker-" + System.nanoTime());
    List<SurgeProcess> p = drill.start("ingest", "worker");
    p = List.of(p.get(0), p.get(1), drill.start(identity, "worker").get(0));
    drill.markCountersCompleteFromNow();
    drill.startLoad(p.subList(0, 1), EVENTS, PER_SECOND);
    drill.awaitAcknowledged(FAULT_AT);
    assertTrue(drill.persistedRows() > 0, "the workers were persisting when one was killed");

    drill.fault("kill -9 of one of two worker processes, restarted at once", p.get(2)::kill);
    drill.start(identity, "worker"); // as its supervisor would
    carryIntoMarkedMinuteInLongRuns(p.subList(0, 1));

    DrillResult result = drill.drain(DRAIN, false);
    result.assertLedgerHolds();
    // A worker killed between its Postgres commit and its Redis update loses that batch's counts, and nothing
    // moves the statsValidFrom mark for it: Redis may count fewer than Postgres, never more.
    result.assertRedisNeverCountsMoreThanPostgres();
  }

  @Test
  void killNineOfAnIngestProcessUnderLoad(Vertx vertx) {
    drill = Drill.prepare(vertx, "ingest-kill-9", KafkaEngine.bootstrap(), Map.of());
    List<SurgeProcess> p = drill.start("ingest", "ingest", "worker");
    drill.markCountersCompleteFromNow();
    drill.startLoad(p.subList(0, 2), EVENTS, PER_SECOND);
    drill.awaitAcknowledged(FAULT_AT);

    drill.fault("kill -9 of one of two ingest processes", p.get(0)::kill);
    carryIntoMarkedMinuteInLongRuns(p.subList(1, 2));

    DrillResult result = drill.drain(DRAIN, true);
    result.assertLedgerHolds();
    result.assertRedisNeverCountsMoreThanPostgres();
    result.assertCountersMatchFromMark();
  }

  /**
   * The graceful stop: SIGTERM to a process running ingest and a worker, under load. Readiness turns DOWN while
   * the listener still answers; the load, like a load balancer, then sends elsewhere; every request sent got an
   * answer (no reset, no 5xx but 503 with Retry-After); the process exits 0 within its bound; after a worker
   * restarts, every 202'd event is in Postgres.
   */
  @Test
  void sigtermOfAnIngestAndWorkerProcessUnderLoad(Vertx vertx) {
    drill = Drill.prepare(vertx, "ingest-sigterm", KafkaEngine.bootstrap(), Map.of());
    Map<String, String> shutdown = Map.of("SURGE_SHUTDOWN_DRAIN_SECONDS", "3", "SURGE_SHUTDOWN_GRACE_SECONDS", "5",
        "SURGE_SHUTDOWN_TIMEOUT_SECONDS", "15");
    List<SurgeProcess> p = drill.start(shutdown, "ingest,worker", "ingest");
    drill.markCountersCompleteFromNow();
    drill.startLoad(p, EVENTS, PER_SECOND);
    drill.awaitAcknowledged(FAULT_AT);

    long[] exit = new long[2];
    drill.fault("SIGTERM of the ingest and worker process (one of two ingest processes)", () -> {
      long signalled = System.nanoTime();
      p.get(0).sigterm();
      eventually(Duration.ofSeconds(5), () -> assertEquals(503, readinessStatus(vertx, p.get(0)), "readiness after SIGTERM"));
      drill.avoid(p.get(0));
      exit[0] = p.get(0).awaitExit(Duration.ofSeconds(20));
      exit[1] = (System.nanoTime() - signalled) / 1_000_000;
    });
    drill.start("worker"); // its supervisor would restart it
    carryIntoMarkedMinuteInLongRuns(p.subList(1, 2));

    DrillResult result = drill.drain(DRAIN, true);
    System.out.println("DRILL ingest-sigterm exit code " + exit[0] + " after " + exit[1] + " ms");
    assertEquals(0, exit[0], "exit code of the graceful stop");
    assertTrue(exit[1] >= 3000 && exit[1] < 15_000, "exited " + exit[1] + " ms after SIGTERM: drain 3 s, bound 15 s");
    Map<String, Long> failures = drill.failuresSinceFault();
    failures.remove("status 503"); // with Retry-After: "status 503 without Retry-After" is a kind of its own
    // requests queued in the client for a connection to the stopping process, refused once its listener closed:
    // never sent, so never lost (Load sends them again elsewhere, as a load balancer would)
    failures.remove("connection refused");
    assertEquals(Map.of(), failures, "requests without a proper answer after SIGTERM");
    result.assertLedgerHolds();
    result.assertRedisNeverCountsMoreThanPostgres();
    result.assertCountersMatchFromMark();
  }

  /** GET /health/ready on the public port: the listener still answers while it drains. */
  private static int readinessStatus(Vertx vertx, SurgeProcess process) {
    WebClient client = WebClient.create(vertx);
    try {
      return client.get(process.httpPort(), "127.0.0.1", "/health/ready").timeout(2000).send().await().statusCode();
    } finally {
      client.close();
    }
  }

  @Test
  void brokerStopsAndStartsAgainWithItsDataUnderLoad(Vertx vertx) {
    kafka = KafkaEngine.startPrivate();
    drill = Drill.prepare(vertx, "broker-restart", kafka.bootstrap(), Map.of());
    List<SurgeProcess> p = drill.start("ingest", "worker");
    drill.markCountersCompleteFromNow();
    drill.startLoad(p.subList(0, 1), EVENTS, PER_SECOND);
    drill.awaitAcknowledged(FAULT_AT);

    drill.fault("broker stopped, then started on the same data and port", kafka::stop);
    eventually(Duration.ofSeconds(30), () -> assertTrue(drill.failedAttemptsSinceFault() >= 10,
        "clients have not felt the outage yet"));
    drill.heal(() -> {
      try {
        kafka.restart();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    carryIntoMarkedMinuteInLongRuns(p.subList(0, 1));

    DrillResult result = drill.drain(DRAIN, true);
    result.assertLoadSpannedTheFault();
    assertTrue(result.failedAfterFault() > 0, "no request met the outage");
    result.assertNothingAcknowledgedLost();
    result.assertNothingElsePersisted();
    result.assertRedisNeverCountsMoreThanPostgres();
    result.assertCountersMatchFromMark();
  }

  @Test
  void postgresStopsAndStartsAgainUnderLoad(Vertx vertx) {
    pg = PostgresEngine.startPrivate();
    drill = Drill.prepare(vertx, "postgres-restart", KafkaEngine.bootstrap(), Map.of("SURGE_PG_URL", pg.url("surge")));
    List<SurgeProcess> p = drill.start("ingest", "worker");
    drill.markCountersCompleteFromNow();
    drill.startLoad(p.subList(0, 1), EVENTS, PER_SECOND);
    drill.awaitAcknowledged(FAULT_AT);

    int failedBefore = occurrences(p.get(1), "persisting a batch of");
    drill.fault("Postgres stopped, then started again", pg::stop);
    eventually(OUTAGE_WAIT, () -> assertTrue(occurrences(p.get(1), "persisting a batch of") > failedBefore,
        "the worker has not met the outage yet"));
    drill.awaitLoadMeetsFault(OUTAGE_WAIT, OUTAGE_EVENTS);
    drill.heal(pg::start);
    carryIntoMarkedMinuteInLongRuns(p.subList(0, 1));

    DrillResult result = drill.drain(DRAIN, true);
    result.assertLedgerHolds();
    result.assertRedisNeverCountsMoreThanPostgres();
    result.assertCountersMatchFromMark();
  }

  @Test
  void redisStopsAndStartsAgainEmptyUnderLoad(Vertx vertx) {
    redis = RedisEngine.startPrivate();
    drill = Drill.prepare(vertx, "redis-restart", KafkaEngine.bootstrap(), Map.of("SURGE_REDIS_URL", redis.url()));
    List<SurgeProcess> p = drill.start("ingest", "worker");
    drill.markCountersCompleteFromNow();
    drill.startLoad(p.subList(0, 1), EVENTS, PER_SECOND);
    drill.awaitAcknowledged(FAULT_AT);

    drill.fault("Redis stopped, then started again empty", redis::stop);
    // (The worker's "Redis update failed" is logged once per unhealed spell, which may have begun before.)
    drill.awaitLoadMeetsFault(OUTAGE_WAIT, OUTAGE_EVENTS);
    drill.heal(redis::start);

    // Counters before the restart are gone with Redis; the worker marks them incomplete up to the next minute.
    drill.carryIntoMarkedMinute(p.subList(0, 1));

    DrillResult result = drill.drain(DRAIN, true);
    result.assertLedgerHolds();
    result.assertRedisNeverCountsMoreThanPostgres();
    // Fails today: after the restart every cache update fails with NOSCRIPT, which LatestScript.batch does not
    // recognise in a pipeline's error ("ERR [i] NOSCRIPT ..."), so the script is never loaded again.
    result.assertRedisCountsAgain();
    result.assertCountersMatchFromMark();
    assertTrue(result.counters().eventsComparedFromMark() > 0, "no minute from the mark was compared");
  }

  private static int occurrences(SurgeProcess process, String text) {
    String output = process.output();
    int count = 0;
    for (int i = output.indexOf(text); i >= 0; i = output.indexOf(text, i + 1)) {
      count++;
    }
    return count;
  }

  /**
   * Long runs only: carry on into a minute the stats mark declares complete, so that the Redis counters are compared
   * for at least one minute (in a short run the mark, moved on by every cache heal, is usually past the load).
   */
  private void carryIntoMarkedMinuteInLongRuns(List<SurgeProcess> ingest) {
    if (Drill.LONG) {
      drill.carryIntoMarkedMinute(ingest);
    }
  }
}
