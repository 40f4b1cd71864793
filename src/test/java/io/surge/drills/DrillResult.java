package io.surge.drills;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a drill measured, and the promises it checks: nothing acknowledged is lost, nothing else appears. */
record DrillResult(String name, String fault, int acknowledged, double acksPerSecond, long acks, long attempts, Map<String, Long> failures,
                   long gaveUp, long rows, Set<Ledger.EventKey> missing, Set<Ledger.EventKey> extra, long kafkaRecords,
                   long ackedBeforeFault, long ackedAfterFault, long failedAfterFault, double faultToLastFailure, double outageSeconds,
                   double faultToFirstAck, double faultToFirstPersist, double healToFirstPersist,
                   double faultToDrained, double longestPartitionGap, Counters counters) {

  /** Redis per-minute totals against Postgres: minutes at or after the statsValidFrom mark, and the rest. */
  record Counters(Long mark, Map<Long, Long> postgres, Map<Long, Long> redis) {
    Map<Long, long[]> mismatchesFromMark() {
      Map<Long, long[]> out = new java.util.TreeMap<>();
      if (mark == null) {
        return out;
      }
      java.util.Set<Long> minutes = new java.util.TreeSet<>(postgres.keySet());
      minutes.addAll(redis.keySet());
      for (long m : minutes) {
        long pg = postgres.getOrDefault(m, 0L);
        long r = redis.getOrDefault(m, 0L);
        if (m >= mark && pg != r) {
          out.put(m, new long[] {pg, r});
        }
      }
      return out;
    }

    long redisTotal() {
      return redis.values().stream().mapToLong(Long::longValue).sum();
    }

    long minutesComparedFromMark() {
      return mark == null ? 0 : postgres.keySet().stream().filter(m -> m >= mark).count();
    }

    long eventsComparedFromMark() {
      return mark == null ? 0 : postgres.entrySet().stream().filter(e -> e.getKey() >= mark).mapToLong(Map.Entry::getValue).sum();
    }

    /** Events Postgres has and Redis does not count, summed over every minute from the mark (negative: more in Redis). */
    long deficitFromMark() {
      return mismatchesFromMark().values().stream().mapToLong(v -> v[0] - v[1]).sum();
    }

    JsonObject toJson() {
      JsonObject perMinute = new JsonObject();
      java.util.Set<Long> minutes = new java.util.TreeSet<>(postgres.keySet());
      minutes.addAll(redis.keySet());
      minutes.forEach(m -> perMinute.put(Long.toString(m),
          postgres.getOrDefault(m, 0L) + "/" + redis.getOrDefault(m, 0L)));
      return new JsonObject().put("statsValidFrom", mark).put("minutesComparedFromMark", minutesComparedFromMark())
          .put("eventsComparedFromMark", eventsComparedFromMark()).put("deficitFromMark", deficitFromMark())
          .put("postgresSlashRedisPerMinute", perMinute);
    }
  }

  /** Client retries and replays that Kafka holds twice or more: Postgres absorbed them. */
  long duplicatesInKafka() {
    return kafkaRecords - acknowledged;
  }

  void assertNothingAcknowledgedLost() {
    assertEquals(Set.of(), limit(missing), missing.size() + " of " + acknowledged + " acknowledged events are not in Postgres");
    assertEquals(acknowledged, rows - extra.size());
  }

  void assertNothingElsePersisted() {
    assertEquals(0, gaveUp, "every event was acknowledged in the end, so the ledger is every event sent");
    assertEquals(Set.of(), limit(extra), "rows in Postgres that no client got a 202 for");
    assertEquals(acknowledged, rows, "one row per acknowledged event, duplicates absorbed");
  }

  /** What every drill holds to: the load met the fault, nothing acknowledged is lost, nothing else persisted. */
  void assertLedgerHolds() {
    assertLoadSpannedTheFault();
    assertNothingAcknowledgedLost();
    assertNothingElsePersisted();
  }

  /** The fault hit a pipeline under load: events were acknowledged before it and sent after it. */
  void assertLoadSpannedTheFault() {
    assertTrue(ackedBeforeFault > 0, "no event was acknowledged before the fault");
    assertTrue(ackedAfterFault > 0, "no event was acknowledged after the fault");
    assertTrue(rows > ackedBeforeFault || ackedAfterFault > 0, "nothing was left to persist after the fault");
  }

  /** After a restart that emptied Redis: the workers' updates reach it again (it counts something). */
  void assertRedisCountsAgain() {
    assertTrue(counters.redisTotal() > 0, "Redis has counted no event since it restarted empty: the workers' cache "
        + "updates never succeed again (the cache never heals)");
  }

  /** Every minute from the mark on: Redis counts exactly what Postgres has. */
  void assertCountersMatchFromMark() {
    assertTrue(counters.mark() != null, "no statsValidFrom mark in Redis: the cache never healed");
    assertEquals(Map.of(), printable(counters.mismatchesFromMark()), "Redis per-minute totals (minutes from the mark "
        + counters.mark() + ") differ from Postgres, as postgres/redis");
  }

  /** Redis never counts an event twice: in no minute, marked complete or not, does it count more than Postgres has. */
  void assertRedisNeverCountsMoreThanPostgres() {
    counters.redis().forEach((m, r) -> {
      long pg = counters.postgres().getOrDefault(m, 0L);
      assertTrue(r <= pg, "minute " + m + ": Redis counts " + r + ", Postgres has " + pg);
    });
  }

  private static Map<Long, String> printable(Map<Long, long[]> mismatches) {
    Map<Long, String> out = new java.util.TreeMap<>();
    mismatches.forEach((m, v) -> out.put(m, v[0] + "/" + v[1]));
    return out;
  }

  private static Set<Ledger.EventKey> limit(Set<Ledger.EventKey> keys) {
    return keys.stream().limit(20).collect(java.util.stream.Collectors.toSet());
  }

  JsonObject toJson() {
    return new JsonObject().put("drill", name).put("fault", fault).put("acknowledged", acknowledged)
        .put("acksPerSecond", Math.round(acksPerSecond)).put("acks", acks)
        .put("attempts", attempts).put("failedAttempts", new JsonObject(new java.util.HashMap<String, Object>(failures))).put("gaveUp", gaveUp)
        .put("rows", rows).put("lost", missing.size()).put("extraRows", extra.size())
        .put("kafkaRecords", kafkaRecords).put("duplicatesInKafka", duplicatesInKafka())
        .put("ackedBeforeFault", ackedBeforeFault).put("ackedAfterFault", ackedAfterFault)
        .put("failedAttemptsAfterFault", failedAfterFault)
        .put("faultToLastFailureSeconds", round(faultToLastFailure)).put("outageSeconds", round(outageSeconds))
        .put("faultToFirstAckSeconds", round(faultToFirstAck)).put("faultToFirstPersistSeconds", round(faultToFirstPersist))
        .put("healToFirstPersistSeconds", round(healToFirstPersist)).put("faultToDrainedSeconds", round(faultToDrained))
        .put("longestPartitionGapSeconds", round(longestPartitionGap))
        .put("redisCounters", counters == null ? null : counters.toJson());
  }

  /** Prints the result and keeps it in target/drills/, where scripts/drills.sh collects it. */
  void record() {
    String json = toJson().encode();
    System.out.println("DRILL " + json);
    try {
      Path dir = Path.of("target", "drills");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".json"), toJson().encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Double round(double seconds) {
    return Double.isNaN(seconds) ? null : Math.round(seconds * 100) / 100.0;
  }
}
