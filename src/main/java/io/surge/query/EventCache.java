package io.surge.query;

import io.surge.cache.LatestScript;
import io.surge.cache.RedisGate;
import io.surge.cache.RedisKeys;
import io.surge.config.SurgeConfig.RedisConfig;
import io.surge.pipeline.CacheWriter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/** The Redis side of the query API. Every read may fail (Redis down); callers then go to Postgres. */
final class EventCache {
  private final RedisGate gate;
  private final RedisKeys keys;
  private final RedisConfig config;
  private final LatestScript latestScript = new LatestScript();

  EventCache(RedisGate gate, RedisConfig config) {
    this.gate = gate;
    this.keys = new RedisKeys(config.keyPrefix());
    this.config = config;
  }

  /** The cached structured event, or null on a miss. */
  Future<Buffer> event(String tenant, String source, String id) {
    return gate.call(r -> r.send(Request.cmd(Command.GET).arg(keys.event(tenant, source, id))))
        .map(EventCache::bufferOrNull);
  }

  void putEvent(String tenant, EventRow row, byte[] body) {
    String key = keys.event(tenant, row.event().source(), row.event().id());
    gate.call(r -> r.send(Request.cmd(Command.SET).arg(key).arg(body)
        .arg("EX").arg(config.latestTtlSeconds())));
  }

  Future<Buffer> latest(String tenant, String subject) {
    return gate.call(r -> r.send(Request.cmd(Command.HGET).arg(keys.latest(tenant, subject)).arg("body")))
        .map(EventCache::bufferOrNull);
  }

  /** Fills the latest entry from Postgres; the script keeps a newer entry a worker wrote meanwhile. */
  void putLatest(String tenant, String subject, EventRow row, byte[] body) {
    gate.call(r -> latestScript.batch(r, () -> List.of(latestScript.request(keys.latest(tenant, subject),
        CacheWriter.micros(row.ts()), row.seq(), body, config.latestTtlSeconds()))));
  }

  /** The first minute whose counters Redis holds completely, or null when it has no mark (then use Postgres). */
  Future<Long> statsValidFrom() {
    return gate.call(r -> r.send(Request.cmd(Command.GET).arg(keys.statsValidFrom())))
        .map(v -> v == null ? null : v.toLong());
  }

  /** The count for each minute (a type, or "*" for all), in order; 0 where Redis has none. */
  Future<List<Long>> minuteCounts(String tenant, String type, List<Long> minutes) {
    if (minutes.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Request> requests = new ArrayList<>(minutes.size());
    for (long minute : minutes) {
      requests.add(Request.cmd(Command.HGET).arg(keys.stats(tenant, minute)).arg(type == null ? "*" : type));
    }
    return gate.call(r -> r.batch(requests)).map(responses -> {
      List<Long> counts = new ArrayList<>(responses.size());
      for (Response resp : responses) {
        counts.add(resp == null ? 0L : resp.toLong());
      }
      return counts;
    });
  }

  int statsTtlSeconds() {
    return config.statsTtlSeconds();
  }

  private static Buffer bufferOrNull(Response r) {
    return r == null ? null : r.toBuffer();
  }
}
