package io.surge;

import io.surge.config.SurgeConfig;
import io.surge.testing.KafkaEngine;
import io.surge.testing.PostgresEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.surge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting up: processes racing on a fresh database, and a worker-only process that still answers health. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class NodeStartIT {

  @Test
  void processesStartingTogetherOnAFreshDatabaseAllStart() {
    String url = PostgresEngine.freshDatabaseUrl();
    String topic = TestSurge.uniqueTopic("start-race-it");
    List<Future<SurgeNode>> starting = List.of(1, 2, 3).stream()
        .map(i -> SurgeNode.start(TestSurge.config(KafkaEngine.bootstrap(), topic, Map.of("SURGE_PG_URL", url))))
        .toList();

    List<SurgeNode> nodes = starting.stream().map(f -> f.await()).toList();

    assertEquals(3, nodes.size(), "CREATE DATABASE and the migrations raced and every process started");
    nodes.forEach(n -> n.stop().await());
  }

  @Test
  void withTopicCreationOffAMissingTopicStopsStartUpNamingIt() {
    String topic = TestSurge.uniqueTopic("no-create-it");
    Future<SurgeNode> started = SurgeNode.start(TestSurge.config(KafkaEngine.bootstrap(), topic,
        Map.of("SURGE_KAFKA_CREATE_TOPICS", "false")));
    Throwable e = assertThrows(Throwable.class, started::await);
    assertTrue(String.valueOf(e.getMessage()).contains(topic), e::toString);
  }

  @Test
  void createdTopicsCarryMinInsyncReplicas() throws Exception {
    String topic = TestSurge.uniqueTopic("min-isr-it");
    SurgeNode node = SurgeNode.start(TestSurge.config(KafkaEngine.bootstrap(), topic,
        Map.of("SURGE_KAFKA_MIN_INSYNC_REPLICAS", "1"))).await();
    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", KafkaEngine.bootstrap()))) {
      var resource = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
      eventually(() -> {
        var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertEquals("1", config.get("min.insync.replicas").value());
        assertEquals(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
            config.get("min.insync.replicas").source(), "set on the topic, not the broker's default");
      });
    } finally {
      node.stop().await();
    }
  }

  @Test
  void aWorkerOnlyProcessAnswersHealthWithItsWorkers(Vertx vertx) {
    SurgeConfig config = TestSurge.config(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("worker-only-it"),
        Map.of("SURGE_ROLES", "worker", "SURGE_SHUTDOWN_DRAIN_SECONDS", "10"));
    SurgeNode node = SurgeNode.start(config).await();
    try {
      WebClient client = WebClient.create(vertx);
      assertEquals(200, client.get(node.httpPort(), "127.0.0.1", "/health/live").send().await().statusCode());
      eventually(() -> {
        JsonObject ready = client.get(node.httpPort(), "127.0.0.1", "/health/ready").send().await().bodyAsJsonObject();
        assertEquals("UP", ready.getString("status"), ready::encode);
        assertEquals("UP", ready.getJsonObject("checks").getString("workers"), ready::encode);
      });
    } finally {
      // no load balancer sends to a worker: its stop does not wait out the drain, which would only hold its
      // partitions back from the other workers
      long stopping = System.nanoTime();
      node.stop().await();
      assertTrue(System.nanoTime() - stopping < java.util.concurrent.TimeUnit.SECONDS.toNanos(8), "a worker-only stop drained");
    }
  }
}
