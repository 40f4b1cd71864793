package io.surge.query;

import io.surge.pipeline.CacheWriter;
import io.vertx.core.Future;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts per bucket: recent minutes from the Redis counters, the rest from Postgres. Redis is used only for
 * minutes it holds completely: from its valid-from mark on, and within the counters' TTL. Without Redis, or
 * when it fails mid-query, Postgres answers everything; either way the buckets are the same.
 */
final class StatsQuery {
  private final EventQueries queries;
  private final EventCache cache;

  StatsQuery(EventQueries queries, EventCache cache) {
    this.queries = queries;
    this.cache = cache;
  }

  /** Bucket start -> count for every bucket in [from, to), zeros included; from and to are on bucket bounds. */
  Future<Map<Instant, Long>> counts(String tenant, String type, Instant from, Instant to, ChronoUnit unit) {
    long nowMinute = CacheWriter.epochMinute(Instant.now().atOffset(java.time.ZoneOffset.UTC));
    long oldestKept = nowMinute - cache.statsTtlSeconds() / 60 + 2;
    return cache.statsValidFrom()
        .otherwise((Long) null)
        .compose(validFrom -> {
          Instant cutover = validFrom == null ? to : minuteStart(Math.max(validFrom, oldestKept));
          if (cutover.isAfter(to)) {
            cutover = to;
          }
          if (cutover.isBefore(from)) {
            cutover = from;
          }
          Instant split = cutover;
          Future<Map<Instant, Long>> recent = fromRedis(tenant, type, split, to, unit)
              .recover(e -> queries.counts(tenant, type, split, to, unit));
          Future<Map<Instant, Long>> older = split.isAfter(from)
              ? queries.counts(tenant, type, from, split, unit) : Future.succeededFuture(Map.of());
          return Future.all(older, recent).map(v -> merge(from, to, unit, older.result(), recent.result()));
        });
  }

  private Future<Map<Instant, Long>> fromRedis(String tenant, String type, Instant from, Instant to, ChronoUnit unit) {
    List<Long> minutes = new ArrayList<>();
    for (long m = from.getEpochSecond() / 60; m < to.getEpochSecond() / 60; m++) {
      minutes.add(m);
    }
    return cache.minuteCounts(tenant, type, minutes).map(counts -> {
      Map<Instant, Long> buckets = new HashMap<>();
      for (int i = 0; i < minutes.size(); i++) {
        if (counts.get(i) > 0) {
          buckets.merge(minuteStart(minutes.get(i)).truncatedTo(unit), counts.get(i), Long::sum);
        }
      }
      return buckets;
    });
  }

  private static Map<Instant, Long> merge(Instant from, Instant to, ChronoUnit unit, Map<Instant, Long> a,
                                         Map<Instant, Long> b) {
    Map<Instant, Long> all = new java.util.LinkedHashMap<>();
    for (Instant t = from; t.isBefore(to); t = t.plus(1, unit)) {
      all.put(t, a.getOrDefault(t, 0L) + b.getOrDefault(t, 0L));
    }
    return all;
  }

  private static Instant minuteStart(long epochMinute) {
    return Instant.ofEpochSecond(epochMinute * 60);
  }
}
