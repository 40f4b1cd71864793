package io.surge.security;

import io.surge.SurgeNode;
import io.surge.config.ConfigSource;
import io.surge.config.SurgeConfig;
import io.surge.testing.KafkaEngine;
import io.surge.testing.RedisEngine;
import io.surge.testing.SurgeProcess;
import io.surge.testing.TestSurge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.surge.testing.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-key token buckets in Redis: 429 with the RateLimit headers, one limit across processes, a local fallback. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class RateLimitIT {
  private final List<SurgeNode> nodes = new ArrayList<>();
  private RedisEngine.Private privateRedis;
  private SurgeProcess other;

  @AfterEach
  void stop() {
    if (other != null) {
      other.close();
    }
    nodes.forEach(n -> n.stop().await());
    if (privateRedis != null) {
      privateRedis.stop();
    }
  }

  @Test
  void overTheRequestLimitIs429WithRateLimitHeaders(Vertx vertx) {
    SurgeNode node = start(TestSurge.config(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("ratelimit-it"),
        Map.of("SURGE_ROLES", "ingest,query")));
    WebClient client = TestSurge.client(vertx, node.httpPort(), createKey(vertx, node, 3, null));

    HttpResponse<Buffer> first = client.get("/v1/events").send().await();
    assertEquals(200, first.statusCode());
    assertEquals("3", first.getHeader("RateLimit-Limit"));
    assertEquals("2", first.getHeader("RateLimit-Remaining"));
    HttpResponse<Buffer> limited = null;
    for (int i = 0; i < 10 && limited == null; i++) {
      HttpResponse<Buffer> r = client.get("/v1/events").send().await();
      if (r.statusCode() == 429) {
        limited = r;
      }
    }
    assertTrue(limited != null, "never limited");
    assertProblem(limited, 429, "rate-limited");
    assertEquals("3", limited.getHeader("RateLimit-Limit"));
    assertEquals("0", limited.getHeader("RateLimit-Remaining"));
    assertEquals("1", limited.getHeader("RateLimit-Reset"));
    assertEquals("1", limited.getHeader("Retry-After"));
  }

  @Test
  void answersFromALeaseCarryTheRateLimitHeadersToo(Vertx vertx) {
    SurgeNode node = start(TestSurge.config(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("ratelimit-it"),
        Map.of("SURGE_ROLES", "ingest,query")));
    WebClient client = TestSurge.client(vertx, node.httpPort(), createKey(vertx, node, 1000, 2000));

    // the first request asks Redis and leases 50 requests; the next ones are answered from the lease
    int before = Integer.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> r = client.get("/v1/events").send().await();
      assertEquals(200, r.statusCode());
      assertEquals("1000", r.getHeader("RateLimit-Limit"));
      int remaining = Integer.parseInt(r.getHeader("RateLimit-Remaining"));
      assertTrue(remaining < before && remaining >= 990, "remaining " + remaining + " after " + before);
      assertEquals("1", r.getHeader("RateLimit-Reset"));
      before = remaining;
    }
    // on ingest the events bucket is the one reported, lease or not
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> ingested = postBatch(client, 3);
      assertEquals(202, ingested.statusCode());
      assertEquals("2000", ingested.getHeader("RateLimit-Limit"));
      assertTrue(Integer.parseInt(ingested.getHeader("RateLimit-Remaining")) >= 1990);
    }
  }

  @Test
  void theEventLimitCountsEventsNotRequests(Vertx vertx) {
    SurgeNode node = start(TestSurge.config(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("ratelimit-it"),
        Map.of("SURGE_ROLES", "ingest,query")));
    WebClient client = TestSurge.client(vertx, node.httpPort(), createKey(vertx, node, null, 10));

    assertEquals(202, postBatch(client, 10).statusCode());
    HttpResponse<Buffer> limited = postBatch(client, 5);
    assertProblem(limited, 429, "rate-limited");
    assertEquals("10", limited.getHeader("RateLimit-Limit"));
    assertTrue(Integer.parseInt(limited.getHeader("Retry-After")) >= 1);
  }

  @Test
  void oneLimitHoldsAcrossTwoProcessesSharingRedis(Vertx vertx) {
    SurgeNode a = startWithAnotherProcess();
    String key = createKey(vertx, a, 4, null); // under 20/s: no lease, every request asks Redis
    WebClient toA = TestSurge.client(vertx, a.httpPort(), key);
    WebClient toB = TestSurge.client(vertx, other.httpPort(), key);

    long started = System.nanoTime();
    int allowed = 0;
    for (int i = 0; i < 8; i++) {
      allowed += (i % 2 == 0 ? toA : toB).get("/v1/events").send().await().statusCode() == 200 ? 1 : 0;
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    // a bucket per process would let all 8 in; one shared bucket lets in 4 plus what refilled meanwhile
    assertTrue(allowed >= 4 && allowed <= 4 + Math.ceil(seconds * 4), allowed + " allowed in " + seconds + " s");
  }

  @Test
  void leasedTokensNeverExceedTheLimitAcrossProcesses(Vertx vertx) {
    int rate = 100; // leases of 5 tokens per Redis call
    SurgeNode a = startWithAnotherProcess();
    String key = createKey(vertx, a, rate, null);
    WebClient toA = TestSurge.client(vertx, a.httpPort(), key);
    WebClient toB = TestSurge.client(vertx, other.httpPort(), key);
    // warm the child JVM up with the unlimited bootstrap key: demand, not a cold JIT, must set the pace below
    List<WebClient> unlimited = List.of(TestSurge.client(vertx, a.httpPort()), TestSurge.client(vertx, other.httpPort()));
    for (int i = 0; i < 10; i++) {
      List<Future<HttpResponse<Buffer>>> warm = new ArrayList<>();
      for (int j = 0; j < 16; j++) {
        warm.add(unlimited.get(j % 2).get("/v1/events").send());
      }
      Future.all(warm).await();
    }

    // both processes under concurrent load for two seconds: 16 requests in flight at a time
    int[] allowedVia = new int[2];
    int limited = 0;
    long started = System.nanoTime();
    while (System.nanoTime() - started < 2_000_000_000L) {
      List<Future<HttpResponse<Buffer>>> round = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        round.add((i % 2 == 0 ? toA : toB).get("/v1/events").send());
      }
      Future.all(round).await();
      for (int i = 0; i < round.size(); i++) {
        int status = round.get(i).result().statusCode();
        allowedVia[i % 2] += status == 200 ? 1 : 0;
        limited += status == 429 ? 1 : 0;
        assertTrue(status == 200 || status == 429, "status " + status);
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    int allowed = allowedVia[0] + allowedVia[1];

    // every token comes out of the one bucket: a full second to start with plus the refill, never more
    String seen = allowed + " allowed (" + allowedVia[0] + " + " + allowedVia[1] + "), " + limited + " limited in "
        + seconds + " s";
    assertTrue(allowed <= rate + Math.ceil(seconds * rate), seen);
    assertTrue(allowed >= rate + seconds * rate / 2, "leases starved the key: " + seen);
    assertTrue(allowedVia[0] > 0 && allowedVia[1] > 0 && limited > 0, seen);
  }

  @Test
  void whenRedisIsDownALocalLimiterTakesOver(Vertx vertx) {
    privateRedis = RedisEngine.startPrivate();
    SurgeNode node = start(TestSurge.config(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("ratelimit-it"),
        Map.of("SURGE_ROLES", "ingest,query", "SURGE_REDIS_URL", privateRedis.url())));
    WebClient client = TestSurge.client(vertx, node.httpPort(), createKey(vertx, node, 2, null));
    privateRedis.stop();

    int allowed = 0;
    int limited = 0;
    for (int i = 0; i < 6; i++) {
      int status = client.get("/v1/events").send().await().statusCode();
      allowed += status == 200 ? 1 : 0;
      limited += status == 429 ? 1 : 0;
    }
    assertTrue(allowed >= 2, "allowed " + allowed);
    assertTrue(limited >= 1, "limited " + limited);
    assertEquals(6, allowed + limited);
  }

  @Test
  void denyFallbackRefusesWhileRedisIsDown(Vertx vertx) {
    privateRedis = RedisEngine.startPrivate();
    SurgeNode node = start(TestSurge.config(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("ratelimit-it"),
        Map.of("SURGE_ROLES", "ingest,query", "SURGE_REDIS_URL", privateRedis.url(),
            "SURGE_SECURITY_RATE_LIMIT_FALLBACK", "deny")));
    // under 20/s: no lease, so the next request must ask Redis (a lease would be spent first, rightly)
    WebClient client = TestSurge.client(vertx, node.httpPort(), createKey(vertx, node, 10, null));
    assertEquals(200, client.get("/v1/events").send().await().statusCode());
    privateRedis.stop();

    HttpResponse<Buffer> refused = client.get("/v1/events").send().await();
    assertProblem(refused, 503, "unavailable");
    assertEquals("1", refused.getHeader("Retry-After"));
  }

  /** A node in this JVM (ingest, query) and {@link #other}, a query-only Surge process on the same Postgres and Redis. */
  private SurgeNode startWithAnotherProcess() {
    Map<String, String> env = TestSurge.env(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("ratelimit-it"),
        Map.of("SURGE_ROLES", "ingest,query"));
    SurgeNode node = start(SurgeConfig.from(ConfigSource.load(null, env)));
    other = SurgeProcess.start(env, "query").awaitLog("listening on");
    return node;
  }

  private SurgeNode start(SurgeConfig config) {
    SurgeNode node = SurgeNode.start(config).await();
    nodes.add(node);
    return node;
  }

  private static String createKey(Vertx vertx, SurgeNode node, Integer requestsPerSecond, Integer eventsPerSecond) {
    JsonObject limits = new JsonObject();
    if (requestsPerSecond != null) {
      limits.put("requestsPerSecond", requestsPerSecond);
    }
    if (eventsPerSecond != null) {
      limits.put("eventsPerSecond", eventsPerSecond);
    }
    HttpResponse<Buffer> created = TestSurge.client(vertx, node.httpPort()).post("/v1/admin/keys")
        .sendJsonObject(new JsonObject().put("tenant", "default").put("scopes", new JsonArray().add("ingest").add("read"))
            .put("limits", limits)).await();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("key");
  }

  private static HttpResponse<Buffer> postBatch(WebClient client, int events) {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < events; i++) {
      batch.add(new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
          .put("source", "/it/ratelimit").put("type", "t"));
    }
    return client.post("/v1/events").putHeader("Content-Type", "application/cloudevents-batch+json")
        .sendBuffer(Buffer.buffer(batch.encode())).await();
  }
}
