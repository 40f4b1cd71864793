package io.surge.ingest;

import io.surge.SurgeNode;
import io.surge.dev.EmbeddedKafka;
import io.surge.dev.FreePorts;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.surge.testing.Eventually.eventually;
import static io.surge.testing.MetricsText.scrape;
import static io.surge.testing.MetricsText.value;
import static io.surge.testing.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    int managementPort = FreePorts.pick();
    node = TestSurge.start(kafka.bootstrap(), TestSurge.uniqueTopic("outage"), Map.of(
        "SURGE_KAFKA_REQUEST_TIMEOUT_MS", "1500",
        "SURGE_KAFKA_DELIVERY_TIMEOUT_MS", Integer.toString(DELIVERY_TIMEOUT_MS),
        "SURGE_INGEST_RETRY_AFTER_SECONDS", "3",
        "SURGE_MANAGEMENT_PORT", Integer.toString(managementPort), "SURGE_MANAGEMENT_HOST", "127.0.0.1"));
    WebClient client = TestSurge.client(vertx, node.httpPort());
    WebClient management = WebClient.create(vertx);
    assertEquals(202, post(client).statusCode());

    kafka.stop();
    long started = System.nanoTime();
    HttpResponse<Buffer> down = post(client);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertProblem(down, 503, "unavailable");
    assertEquals("3", down.getHeader("Retry-After"));
    assertTrue(elapsedMs < DELIVERY_TIMEOUT_MS + 2000, "answered after " + elapsedMs + " ms, not bounded by the delivery timeout");
    assertEquals(503, client.get("/health/ready").send().await().statusCode());
    // the one event Kafka did not take is counted, by why
    String text = scrape(management, managementPort);
    assertEquals(1, value(text, "surge_kafka_producer_errors_total", "client=\"ingest\""), text);
    assertEquals(1, value(text, "surge_kafka_producer_errors_total", "client=\"ingest\"", "reason=\"TimeoutException\""));

    kafka.restart();
    Set<Integer> answered = new HashSet<>();
    HttpResponse<Buffer> recovered = eventually(Duration.ofSeconds(30), () -> {
      HttpResponse<Buffer> response = post(client);
      answered.add(response.statusCode());
      assertEquals(202, response.statusCode(), response::bodyAsString);
      return response;
    });
    assertTrue(Set.of(202, 503).containsAll(answered), "while Kafka comes back, only 503s: " + answered);
    assertNotNull(recovered.bodyAsJsonObject().getJsonArray("accepted").getJsonObject(0).getLong("offset"));
    assertEquals(200, client.get("/health/ready").send().await().statusCode());
  }

  @Test
  void inflightCapAnswers503AtOnceInsteadOfQueueing(Vertx vertx) {
    // A long linger holds each event in the producer for 300 ms, so concurrent requests meet the cap of 1.
    kafka = KafkaEngine.startPrivate();
    node = TestSurge.start(kafka.bootstrap(), TestSurge.uniqueTopic("inflight"), Map.of(
        "SURGE_KAFKA_LINGER_MS", "300",
        "SURGE_INGEST_MAX_INFLIGHT_EVENTS", "1"));
    WebClient client = WebClientSession.create(WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()),
        new PoolOptions().setHttp1MaxSize(8))).addHeader("Authorization", "Bearer " + TestSurge.BOOTSTRAP_KEY);

    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(client.post("/v1/events").putHeader("Content-Type", "application/json").sendBuffer(event().toBuffer()));
    }
    Future.join(requests).await();

    List<HttpResponse<Buffer>> answers = requests.stream().map(Future::result).toList();
    List<HttpResponse<Buffer>> rejected = answers.stream().filter(r -> r.statusCode() == 503).toList();
    assertTrue(answers.stream().anyMatch(r -> r.statusCode() == 202), "the request holding the permit is accepted");
    assertFalse(rejected.isEmpty(), "requests over the cap are rejected, not queued");
    assertEquals(answers.size(), rejected.size() + answers.stream().filter(r -> r.statusCode() == 202).count());
    for (HttpResponse<Buffer> answer : rejected) {
      assertProblem(answer, 503, "overloaded");
      assertNotNull(answer.getHeader("Retry-After"));
    }
    assertEquals(0, node.inflightEvents(), "every permit is released");
  }

  private static HttpResponse<Buffer> post(WebClient client) {
    return client.post("/v1/events").putHeader("Content-Type", "application/json").sendBuffer(event().toBuffer()).await();
  }

  private static JsonObject event() {
    return new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
        .put("source", "/outage").put("type", "t").put("data", new JsonObject().put("x", 1));
  }
}
