package io.surge.pipeline;

import io.surge.SurgeNode;
import io.surge.config.ConfigSource;
import io.surge.config.SurgeConfig;
import io.surge.db.Postgres;
import io.surge.testing.KafkaEngine;
import io.surge.testing.SurgeProcess;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.Map;

import static io.surge.pipeline.PipelineIT.event;
import static io.surge.pipeline.PipelineIT.uniqueId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Prefer: wait=persisted} with ingest and worker in two processes: this JVM runs ingest only, a child
 * JVM ({@code surge run --roles worker}) persists. They share only Kafka and Postgres.
 */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class WaitPersistedIT {
  private SurgeNode ingest;
  private SurgeProcess worker;

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    if (ingest != null) {
      ingest.stop().await();
    }
  }

  @Test
  void waitsForAWorkerInAnotherProcess(Vertx vertx) {
    String topic = TestSurge.uniqueTopic("wait-it");
    Map<String, String> env = TestSurge.env(KafkaEngine.bootstrap(), topic, Map.of("SURGE_INGEST_WAIT_PERSISTED_TIMEOUT_MS", "1500"));
    Map<String, String> ingestEnv = new HashMap<>(env);
    ingestEnv.put("SURGE_ROLES", "ingest");
    ingest = SurgeNode.start(SurgeConfig.from(ConfigSource.load(null, ingestEnv))).await();
    WebClient client = TestSurge.client(vertx, ingest.httpPort());

    // no worker yet: the wait times out, and the answer says the events are in Kafka but not yet persisted
    String earlyId = uniqueId();
    HttpResponse<Buffer> early = postWaiting(client, earlyId);
    assertEquals(202, early.statusCode());
    assertNull(early.getHeader("Preference-Applied"));
    assertEquals(Boolean.FALSE, early.bodyAsJsonObject().getBoolean("persisted"));
    assertTrue(early.bodyAsJsonObject().getString("note").contains("not yet persisted"));

    worker = SurgeProcess.start(env, "worker").awaitLog("worker(s) consuming");
    awaitRow(vertx, env.get("SURGE_PG_URL"), earlyId); // the worker joined its group and caught up

    String id = uniqueId();
    HttpResponse<Buffer> persisted = postWaiting(client, id);
    assertEquals(201, persisted.statusCode(), persisted::bodyAsString);
    assertEquals("wait=persisted", persisted.getHeader("Preference-Applied"));
    assertEquals(Boolean.TRUE, persisted.bodyAsJsonObject().getBoolean("persisted"));
    assertEquals(id, persisted.bodyAsJsonObject().getJsonArray("accepted").getJsonObject(0).getString("id"));
  }

  private static void awaitRow(Vertx vertx, String pgUrl, String id) {
    Pool db = Postgres.pool(vertx, pgUrl, 1);
    try {
      io.surge.testing.Eventually.eventually(() -> assertEquals(1L, db.preparedQuery(
          "SELECT count(*) FROM events WHERE id = $1").execute(Tuple.of(id)).await().iterator().next().getLong(0),
          "the worker process persisted " + id));
    } finally {
      db.close().await();
    }
  }

  private static HttpResponse<Buffer> postWaiting(WebClient client, String id) {
    JsonObject event = event(id, "/it/wait", "t");
    return client.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .putHeader("Prefer", "wait=persisted").sendBuffer(Buffer.buffer(event.encode())).await();
  }
}
