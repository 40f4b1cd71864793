package io.surge.ops;

import io.surge.SurgeNode;
import io.surge.dev.FreePorts;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.UUID;

import static io.surge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The management port serves health and Prometheus metrics, and the metrics move by what the traffic did. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class MetricsIT {

  @Test
  void metricsCountWhatTrafficDid(Vertx vertx) {
    int port = FreePorts.pick();
    SurgeNode node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("metrics-it"), Map.of(
        "SURGE_ROLES", "ingest,worker,query", "SURGE_MANAGEMENT_PORT", Integer.toString(port),
        "SURGE_MANAGEMENT_HOST", "127.0.0.1"));
    try {
      WebClient client = TestSurge.client(vertx, node.httpPort());
      WebClient management = WebClient.create(vertx);
      assertEquals(port, node.managementPort());
      eventually(() -> assertEquals(200, management.get(port, "127.0.0.1", "/health/ready").send().await().statusCode()));

      // given 2 accepted requests with 6 events and one refused request
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 5; i++) {
        batch.add(event());
      }
      assertEquals(202, post(client, "application/cloudevents-batch+json", batch.encode()).statusCode());
      assertEquals(202, post(client, "application/cloudevents+json", event().encode()).statusCode());
      assertEquals(400, post(client, "application/cloudevents+json", "{\"specversion\":\"1.0\"}").statusCode());

      // then the meters moved by exactly that, once the workers persisted the 6 events
      eventually(() -> {
        String text = scrape(management, port);
        assertEquals(6, value(text, "surge_worker_events_persisted_total"), "persisted");
        assertEquals(6, value(text, "surge_event_age_at_persist_seconds_count"), "end-to-end ages recorded");
      });
      String text = scrape(management, port);
      assertEquals(6, value(text, "surge_ingest_events_accepted_total"));
      assertEquals(1, value(text, "surge_ingest_requests_rejected_total", "reason=\"invalid-event\""));
      assertEquals(2, value(text, "vertx_http_server_requests_total", "code=\"202\"", "method=\"POST\""));
      assertEquals(1, value(text, "vertx_http_server_requests_total", "code=\"400\"", "method=\"POST\""));
      assertEquals(0, value(text, "surge_worker_events_dead_lettered_total"));
      assertEquals(0, value(text, "surge_ingest_events_inflight"));
      assertTrue(value(text, "surge_worker_batch_events_count") >= 1);
      assertTrue(value(text, "jvm_memory_used_bytes") > 0, "JVM metrics");
      // the consumers' own metrics (records-lag per partition joins them at the binder's first refresh, within 60 s)
      assertTrue(text.contains("kafka_consumer_"), "the consumers' metrics are bound");
      assertEquals(0, value(text, "surge_worker_lag_records"), "nothing behind once persisted");
      assertEquals(2, text.lines().filter(l -> l.startsWith("surge_worker_up{")).count(), "one gauge per worker");
      assertTrue(!text.contains("tenant=") && !text.contains("/v1/events/"), "no tenant or raw path in any label");
    } finally {
      node.stop().await();
    }
  }

  private static JsonObject event() {
    return new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString()).put("source", "/it/metrics")
        .put("type", "t");
  }

  private static HttpResponse<Buffer> post(WebClient client, String contentType, String body) {
    return client.post("/v1/events").putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body)).await();
  }

  private static String scrape(WebClient management, int port) {
    HttpResponse<Buffer> r = management.get(port, "127.0.0.1", "/metrics").send().await();
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("text/plain"));
    return r.bodyAsString();
  }

  /** The sum of every sample of {@code name} whose labels contain all of {@code labels}. */
  private static double value(String text, String name, String... labels) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        boolean matches = true;
        for (String label : labels) {
          matches &= line.contains(label);
        }
        if (matches) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }
}
