package io.surge.ingest;

import io.surge.SurgeNode;
import io.surge.dev.EmbeddedKafka;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.UUID;

import static io.surge.testing.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kafka goes away under a running ingest: answers turn to 503 with Retry-After in bounded time, then recover. */
@ExtendWith(VertxExtension.class)
class KafkaOutageIT {
  private static final int DELIVERY_TIMEOUT_MS = 3000;

  private EmbeddedKafka kafka;
  private SurgeNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void brokerDownAnswers503WithRetryAfterThenRecovers(Vertx vertx) throws Exception {
    kafka = KafkaEngine.startPrivate();
    node = TestSurge.start(kafka.bootstrap(), TestSurge.uniqueTopic("outage"), Map.of(
        "SURGE_KAFKA_REQUEST_TIMEOUT_MS", "1500",
        "SURGE_KAFKA_DELIVERY_TIMEOUT_MS", Integer.toString(DELIVERY_TIMEOUT_MS),
        "SURGE_INGEST_RETRY_AFTER_SECONDS", "3"));
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
    assertEquals(202, post(client).statusCode());

    kafka.stop();
    long started = System.nanoTime();
    HttpResponse<Buffer> down = post(client);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertProblem(down, 503, "unavailable");
    assertEquals("3", down.getHeader("Retry-After"));
    assertTrue(elapsedMs < DELIVERY_TIMEOUT_MS + 2000, "answered after " + elapsedMs + " ms, not bounded by the delivery timeout");
    assertEquals(503, client.get("/health/ready").send().await().statusCode());

    kafka.restart();
    HttpResponse<Buffer> recovered = postUntilAccepted(client, 30_000);
    assertEquals(202, recovered.statusCode(), recovered::bodyAsString);
    assertNotNull(recovered.bodyAsJsonObject().getJsonArray("accepted").getJsonObject(0).getLong("offset"));
    assertEquals(200, client.get("/health/ready").send().await().statusCode());
  }

  @Test
  void inflightCapAnswers503AtOnceInsteadOfQueueing(Vertx vertx) {
    kafka = KafkaEngine.startPrivate();
    node = TestSurge.start(kafka.bootstrap(), TestSurge.uniqueTopic("inflight"), Map.of(
        "SURGE_KAFKA_REQUEST_TIMEOUT_MS", "1500",
        "SURGE_KAFKA_DELIVERY_TIMEOUT_MS", Integer.toString(DELIVERY_TIMEOUT_MS),
        "SURGE_INGEST_MAX_INFLIGHT_EVENTS", "1"));
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
    assertEquals(202, post(client).statusCode());
    kafka.stop();

    // The first request holds the only in-flight permit while the broker is away.
    Future<HttpResponse<Buffer>> stuck = client.post("/v1/events").putHeader("Content-Type", "application/json")
        .sendBuffer(event().toBuffer());
    awaitInflight(1);
    long started = System.nanoTime();
    HttpResponse<Buffer> rejected = post(client);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertProblem(rejected, 503, "overloaded");
    assertNotNull(rejected.getHeader("Retry-After"));
    assertTrue(elapsedMs < 1000, "the cap answers without waiting for Kafka, took " + elapsedMs + " ms");
    assertProblem(stuck.await(), 503, "unavailable");
  }

  private void awaitInflight(int expected) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (node.inflightEvents() < expected && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(expected, node.inflightEvents());
  }

  private static HttpResponse<Buffer> postUntilAccepted(WebClient client, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    HttpResponse<Buffer> response = post(client);
    while (response.statusCode() != 202 && System.currentTimeMillis() < deadline) {
      assertEquals(503, response.statusCode(), response::bodyAsString);
      Thread.sleep(250);
      response = post(client);
    }
    return response;
  }

  private static HttpResponse<Buffer> post(WebClient client) {
    return client.post("/v1/events").putHeader("Content-Type", "application/json").sendBuffer(event().toBuffer()).await();
  }

  private static JsonObject event() {
    return new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
        .put("source", "/outage").put("type", "t").put("data", new JsonObject().put("x", 1));
  }
}
