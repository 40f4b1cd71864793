package io.surge.pipeline;

import io.surge.SurgeNode;
import io.surge.testing.KafkaEngine;
import io.surge.testing.RedisEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static io.surge.pipeline.PipelineIT.awaitFound;
import static io.surge.pipeline.PipelineIT.event;
import static io.surge.testing.Eventually.eventually;
import static io.surge.pipeline.PipelineIT.uniqueId;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Redis is a cache: when it stops, persisting goes on and every query answers from Postgres, the same way. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class RedisOutageIT {
  private RedisEngine.Private redis;
  private SurgeNode node;
  private WebClient client;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  private void start(Vertx vertx) {
    redis = RedisEngine.startPrivate();
    node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("redis-outage-it"), Map.of(
        "SURGE_ROLES", "ingest,worker,query",
        "SURGE_REDIS_URL", redis.url()));
    client = TestSurge.client(vertx, node.httpPort());
  }

  @Test
  void queriesAnswerFromPostgresWhileRedisIsDown(Vertx vertx) {
    start(vertx);
    String subject = "s-" + uniqueId();
    String type = "t-" + uniqueId();
    post(new JsonArray().add(event("a", "/it/redis", type).put("subject", subject).put("time", "2026-11-28T10:00:00Z"))
        .add(event("b", "/it/redis", type).put("subject", subject).put("time", "2026-11-28T10:00:01Z")));
    awaitFound(() -> get("/v1/events/b?source=/it/redis"));
    JsonObject latestBefore = awaitLatest(subject, "b");
    JsonObject listBefore = get("/v1/events?subject=" + subject).bodyAsJsonObject();
    JsonArray statsBefore = get("/v1/stats?type=" + type).bodyAsJsonObject().getJsonArray("buckets");
    assertEquals(2, total(statsBefore));

    redis.stop();

    assertEquals(latestBefore, get("/v1/subjects/" + subject + "/latest").bodyAsJsonObject());
    assertEquals(listBefore, get("/v1/events?subject=" + subject).bodyAsJsonObject());
    assertEquals(200, get("/v1/events/a?source=/it/redis").statusCode());
    assertEquals(200, get("/v1/events/a").statusCode());
    assertEquals(statsBefore, get("/v1/stats?type=" + type).bodyAsJsonObject().getJsonArray("buckets"));

    // persisting goes on without Redis
    post(new JsonArray().add(event("c", "/it/redis", type).put("subject", subject).put("time", "2026-11-28T10:00:02Z")));
    awaitFound(() -> get("/v1/events/c?source=/it/redis"));
    assertEquals("c", get("/v1/subjects/" + subject + "/latest").bodyAsJsonObject().getString("id"));
    assertEquals(3, total(get("/v1/stats?type=" + type).bodyAsJsonObject().getJsonArray("buckets")));
  }

  @Test
  void aStaleLatestEntryIsHealedWhenRedisAnswersAgain(Vertx vertx) {
    start(vertx);
    String subject = "s-" + uniqueId();
    post(new JsonArray().add(event("old", "/it/heal", "t").put("subject", subject).put("time", "2026-11-28T10:00:00Z")));
    awaitLatest(subject, "old");

    // Redis keeps its data but takes no writes for 3 s: the worker's update for "new" fails meanwhile
    Redis admin = Redis.createClient(vertx, redis.url());
    admin.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(3000).arg("WRITE")).await();
    post(new JsonArray().add(event("new", "/it/heal", "t").put("subject", subject).put("time", "2026-11-28T10:00:01Z")));

    JsonObject healed = awaitLatest(subject, "new");
    assertEquals("new", healed.getString("id"));
    String cached = admin.send(Request.cmd(Command.KEYS).arg("*:latest:" + subject)).await().get(0).toString();
    String body = admin.send(Request.cmd(Command.HGET).arg(cached).arg("body")).await().toString();
    assertEquals("new", new JsonObject(body).getString("id"), "the Redis entry itself was rewritten");
    admin.close();
  }

  /** A Redis that forgot the script (restarted with its data, or SCRIPT FLUSH) answers a batch "ERR [n] NOSCRIPT". */
  @Test
  void theLatestScriptIsReloadedAfterRedisForgotIt(Vertx vertx) {
    start(vertx);
    String subject = "s-" + uniqueId();
    post(new JsonArray().add(event("before", "/it/noscript", "t").put("subject", subject).put("time", "2026-11-28T10:00:00Z")));
    awaitLatest(subject, "before");

    Redis admin = Redis.createClient(vertx, redis.url());
    admin.send(Request.cmd(Command.SCRIPT).arg("FLUSH")).await();
    post(new JsonArray().add(event("after", "/it/noscript", "t").put("subject", subject).put("time", "2026-11-28T10:00:01Z")));

    awaitLatest(subject, "after");
    String cached = admin.send(Request.cmd(Command.KEYS).arg("*:latest:" + subject)).await().get(0).toString();
    String body = admin.send(Request.cmd(Command.HGET).arg(cached).arg("body")).await().toString();
    assertEquals("after", new JsonObject(body).getString("id"), "the worker wrote the Redis entry again");
    admin.close();
  }

  private JsonObject awaitLatest(String subject, String id) {
    return eventually(Duration.ofSeconds(20), () -> {
      HttpResponse<Buffer> r = get("/v1/subjects/" + subject + "/latest");
      assertEquals(200, r.statusCode(), r::bodyAsString);
      JsonObject latest = r.bodyAsJsonObject();
      assertEquals(id, latest.getString("id"), "latest of " + subject);
      return latest;
    });
  }

  private static long total(JsonArray buckets) {
    return buckets.stream().mapToLong(b -> ((JsonObject) b).getLong("count")).sum();
  }

  private void post(JsonArray batch) {
    assertEquals(202, client.post("/v1/events").putHeader("Content-Type", "application/cloudevents-batch+json")
        .sendBuffer(Buffer.buffer(batch.encode())).await().statusCode());
  }

  private HttpResponse<Buffer> get(String uri) {
    return client.get(uri).send().await();
  }
}
