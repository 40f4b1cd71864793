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
import static io.surge.testing.MetricsText.scrape;
import static io.surge.testing.MetricsText.value;
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
      assertEquals(6, value(text, "kafka_producer_record_send_total", "client_id=\"surge-ingest\""),
          "the ingest producer's own metrics are bound");
      assertEquals(0, value(text, "surge_worker_lag_records"), "nothing behind once persisted");
      assertEquals(2, text.lines().filter(l -> l.startsWith("surge_worker_up{")).count(), "one gauge per worker");
      assertTrue(!text.contains("tenant=") && !text.contains("/v1/events/"), "no tenant or raw path in any label");
      assertTrue(!text.contains("vertx_http_server_request_bytes") && !text.contains("vertx_http_server_bytes_read"),
          "no per-request size summaries");
      assertTrue(text.contains("vertx_http_server_response_time_seconds_bucket{") && text.contains("le=\"0.025\""),
          "response times in buckets, for percentiles across instances");
      assertEquals(0, value(text, "surge_redis_failures_total"));
      assertTrue(text.contains("pool_name=\"surge-redis\""), "the Redis pool's series carry a fixed name");
      assertEquals(0, value(text, "surge_kafka_producer_errors_total"));
      assertTrue(text.contains("surge_kafka_producer_errors_total{client=\"dlq\",reason=\"TimeoutException\"}"),
          "producer errors are registered at 0, so a first one is a rise");
    } finally {
      node.stop().await();
    }
  }

  @Test
  void redisFailuresAreCountedByWhatTheCallWasFor(Vertx vertx) {
    int port = FreePorts.pick();
    SurgeNode node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("metrics-redis-it"), Map.of(
        "SURGE_ROLES", "ingest,worker,query", "SURGE_MANAGEMENT_PORT", Integer.toString(port),
        "SURGE_MANAGEMENT_HOST", "127.0.0.1",
        "SURGE_REDIS_URL", "redis://127.0.0.1:" + FreePorts.pick())); // nothing listens there: every call fails
    try {
      WebClient client = TestSurge.client(vertx, node.httpPort());
      WebClient management = WebClient.create(vertx);

      // given an event ingested, persisted and read back while Redis refuses every connection
      JsonObject event = event();
      assertEquals(202, post(client, "application/cloudevents+json", event.encode()).statusCode());
      eventually(() -> assertEquals(200, client.get("/v1/events/" + event.getString("id"))
          .addQueryParam("source", "/it/metrics").send().await().statusCode()));

      // then the worker's cache update and the query's cache read are each counted under their own operation
      eventually(() -> {
        String text = scrape(management, port);
        assertTrue(value(text, "surge_redis_failures_total", "operation=\"cache_write\"") >= 1, "cache_write");
        assertTrue(value(text, "surge_redis_failures_total", "operation=\"query\"") >= 1, "query");
        assertEquals(0, value(text, "surge_redis_failures_total", "operation=\"rate_limit\""), "no key has a limit");
      });
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
}
