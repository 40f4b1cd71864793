package io.surge.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.surge.cache.RedisKeys;
import io.surge.cloudevents.EventDraft;
import io.surge.cloudevents.EventLimits;
import io.surge.config.SurgeConfig.RedisConfig;
import io.surge.testing.RedisEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Batches that come faster than Redis answers are coalesced, not dropped: the counters stay complete. */
@ExtendWith(VertxExtension.class)
class CacheWriterIT {

  @Test
  void batchesQueuedBehindASlowRedisAreAllCountedWithoutAHeal(Vertx vertx) {
    String prefix = RedisEngine.uniquePrefix();
    Redis redis = Redis.createClient(vertx, RedisEngine.url());
    RedisKeys keys = new RedisKeys(prefix);
    CacheWriter writer = new CacheWriter(vertx, redis, new RedisConfig(RedisEngine.url(), prefix, 60, 10, 600),
        new SimpleMeterRegistry());
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    writer.update(List.of(persisted("first", now, 1))).await();
    String validFrom = redis.send(Request.cmd(Command.GET).arg(keys.statsValidFrom())).await().toString();

    // Redis takes no writes for 500 ms while 40 batches arrive: far more than the few that may queue one each
    Redis admin = Redis.createClient(vertx, RedisEngine.url());
    admin.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(500).arg("WRITE")).await();
    List<Future<Void>> updates = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      updates.add(writer.update(List.of(persisted("e" + i, now, 2 + i))));
    }
    Future.all(updates).await();
    writer.update(List.of(persisted("last", now, 100))).await();

    Response counts = redis.send(Request.cmd(Command.HGET).arg(keys.stats("default", CacheWriter.epochMinute(now)))
        .arg("*")).await();
    assertEquals(42, counts.toInteger(), "every event is counted");
    assertEquals(validFrom, redis.send(Request.cmd(Command.GET).arg(keys.statsValidFrom())).await().toString(),
        "no heal moved the completeness mark: nothing was dropped");
    admin.close();
    redis.close();
  }

  private static EventWriter.Persisted persisted(String id, OffsetDateTime at, long seq) {
    var event = new EventDraft().attribute("specversion", "1.0").attribute("id", id).attribute("source", "/c")
        .attribute("type", "t").toEvent(EventLimits.DEFAULTS);
    return new EventWriter.Persisted(new StoredEvent("default", event, null, at, at, "events", 0, seq), seq);
  }
}
