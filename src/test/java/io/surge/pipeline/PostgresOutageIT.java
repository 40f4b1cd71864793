package io.surge.pipeline;

import io.surge.SurgeNode;
import io.surge.config.SurgeConfig;
import io.surge.db.Postgres;
import io.surge.testing.KafkaEngine;
import io.surge.testing.PostgresEngine;
import io.surge.testing.TestSurge;
import io.surge.testing.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.function.LongSupplier;

import static io.surge.pipeline.PipelineIT.event;
import static io.surge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.surge.pipeline.PipelineIT.uniqueId;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Postgres stops mid-stream: no offset is committed past unpersisted data, and everything lands once it is back. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class PostgresOutageIT {
  private PostgresEngine.Private pg;
  private SurgeNode node;
  private Pool db;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
    if (pg != null) {
      pg.stop();
    }
  }

  @Test
  void offsetsWaitForPostgresAndNothingIsLost(Vertx vertx) throws Exception {
    pg = PostgresEngine.startPrivate();
    String topic = TestSurge.uniqueTopic("pg-outage-it");
    SurgeConfig config = TestSurge.config(KafkaEngine.bootstrap(), topic, Map.of(
        "SURGE_ROLES", "ingest,worker",
        "SURGE_PG_URL", pg.url("surge"),
        "SURGE_PIPELINE_BACKOFF_MAX_MS", "500",
        "SURGE_PIPELINE_STALL_SECONDS", "1"));
    node = SurgeNode.start(config).await();
    WebClient client = TestSurge.client(vertx, node.httpPort());
    db = Postgres.pool(vertx, config.pg().url(), 1);

    postBatch(client, 50);
    awaitEquals(50, () -> rows(), "rows before the outage");
    awaitEquals(50, () -> committed(config), "committed offsets before the outage");

    assertEquals(200, ready(client), "ready before the outage");
    db.close().await();
    pg.stop();
    postBatch(client, 50); // Kafka takes them: 202 does not need Postgres
    long retriesBefore = retries();
    eventually(() -> assertTrue(retries() >= retriesBefore + 3, "the workers keep trying while Postgres is down"));
    assertEquals(50, committed(config), "no offset may pass unpersisted records while Postgres is down");
    eventually(() -> {
      JsonObject health = client.get("/health/ready").send().await().bodyAsJsonObject();
      assertEquals("DOWN", health.getString("status"));
      assertEquals("DOWN", health.getJsonObject("checks").getString("workers"), "a worker stuck with records behind: " + health.encode());
      assertEquals("DOWN", health.getJsonObject("checks").getString("postgres"), "no exception text: " + health.encode());
    });

    pg.start();
    db = Postgres.pool(vertx, config.pg().url(), 1);
    awaitEquals(100, () -> rows(), "rows after Postgres returned");
    awaitEquals(100, () -> committed(config), "committed offsets after Postgres returned");
    eventually(() -> assertEquals(200, ready(client), "ready again once the backlog is persisted"));
    try (TopicReader dlq = new TopicReader(KafkaEngine.bootstrap(), config.pipeline().dlqTopic())) {
      assertEquals(0, dlq.totalRecords(config.pipeline().dlqTopic()), "a fault of ours never sends records to the DLQ");
    }
    db.close().await();
  }

  private static void postBatch(WebClient client, int count) {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < count; i++) {
      batch.add(event(uniqueId(), "/it/pg-outage", "t"));
    }
    int status = client.post("/v1/events").putHeader("Content-Type", "application/cloudevents-batch+json")
        .sendBuffer(Buffer.buffer(batch.encode())).await().statusCode();
    assertEquals(202, status);
  }

  private long retries() {
    return node.workers().stream().mapToLong(WorkerStatus::retries).sum();
  }

  private static int ready(WebClient client) {
    return client.get("/health/ready").send().await().statusCode();
  }

  private long rows() {
    try {
      return db.query("SELECT count(*) FROM events").execute().await().iterator().next().getLong(0);
    } catch (RuntimeException e) {
      return -1; // not reachable yet
    }
  }

  private static long committed(SurgeConfig config) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaEngine.bootstrap()))) {
      Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(config.pipeline().groupId())
          .partitionsToOffsetAndMetadata().get();
      return offsets.values().stream().mapToLong(o -> o == null ? 0 : o.offset()).sum();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitEquals(long expected, LongSupplier actual, String what) {
    eventually(() -> assertEquals(expected, actual.getAsLong(), what));
  }
}
