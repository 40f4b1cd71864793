package io.surge;

import io.surge.config.SurgeConfig;
import io.surge.config.SurgeConfig.Role;
import io.surge.ingest.EventPublisher;
import io.surge.ingest.InflightLimit;
import io.surge.ingest.IngestVerticle;
import io.surge.kafka.KafkaClients;
import io.surge.kafka.KafkaReadiness;
import io.surge.kafka.KafkaTopics;
import io.surge.ops.HealthRoutes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One Surge process: a Vert.x instance, the shared clients, and the verticles of the configured roles. */
public final class SurgeNode {
  private static final Logger LOG = LoggerFactory.getLogger(SurgeNode.class);

  private final Vertx vertx;
  private final SurgeConfig config;
  private final List<AutoCloseable> clients = new ArrayList<>();
  private final List<IngestVerticle> ingest = new ArrayList<>();
  private InflightLimit inflight;

  private SurgeNode(Vertx vertx, SurgeConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  public static Future<SurgeNode> start(SurgeConfig config) {
    SurgeNode node = new SurgeNode(Vertx.vertx(), config);
    return node.startRoles()
        .map(node)
        .recover(e -> node.stop().transform(ignored -> Future.failedFuture(e)));
  }

  private Future<Void> startRoles() {
    Future<Void> started = Future.succeededFuture();
    for (Role role : config.roles()) {
      started = started.compose(v -> switch (role) {
        case INGEST -> startIngest();
        case WORKER, QUERY -> {
          LOG.warn("role {} is not part of this build yet; skipping it", role.name().toLowerCase());
          yield Future.succeededFuture();
        }
      });
    }
    return started;
  }

  private Future<Void> startIngest() {
    SurgeConfig.KafkaConfig kafka = config.kafka();
    Admin admin = track(KafkaClients.admin(kafka, "surge-ingest-admin"));
    Producer<byte[], byte[]> producer = track(KafkaClients.eventProducer(kafka, "surge-ingest"));
    inflight = new InflightLimit(config.ingest().maxInflightEvents());
    EventPublisher publisher = new EventPublisher(producer, kafka.topic(), inflight, config.ingest().retryAfterSeconds());
    HealthRoutes health = new HealthRoutes().check("kafka", new KafkaReadiness(vertx, admin, 2000));
    return KafkaTopics.ensure(vertx, admin, kafka.topic(), kafka.partitions(), kafka.replicationFactor(), kafka.startupTimeoutMs())
        .compose(v -> KafkaTopics.awaitMetadata(vertx, producer, kafka.topic(), kafka.startupTimeoutMs()))
        .compose(partitions -> vertx.deployVerticle(() -> {
          IngestVerticle verticle = new IngestVerticle(config, publisher, health);
          synchronized (ingest) {
            ingest.add(verticle);
          }
          return verticle;
        }, new DeploymentOptions().setInstances(config.http().instances())))
        .onSuccess(id -> LOG.info("ingest listening on http://{}:{} ({} event loops), topic {} at {}",
            config.http().host(), httpPort(), config.http().instances(), kafka.topic(), kafka.bootstrap()))
        .mapEmpty();
  }

  /** The port the ingest HTTP server listens on, or -1 without the ingest role. */
  public int httpPort() {
    synchronized (ingest) {
      return ingest.isEmpty() ? -1 : ingest.get(0).actualPort();
    }
  }

  /** Events sent to Kafka and not yet acknowledged, or 0 without the ingest role. */
  public int inflightEvents() {
    return inflight == null ? 0 : inflight.inflight();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops the verticles, then flushes and closes the clients. */
  public Future<Void> stop() {
    return Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
        .transform(v -> vertx.executeBlocking(() -> {
          for (AutoCloseable client : clients) {
            closeQuietly(client);
          }
          return null;
        }))
        .transform(v -> vertx.close());
  }

  private <T extends AutoCloseable> T track(T client) {
    clients.add(0, client);
    return client;
  }

  private static void closeQuietly(AutoCloseable client) {
    try {
      if (client instanceof Producer<?, ?> producer) {
        producer.close(Duration.ofSeconds(10));
      } else if (client instanceof Admin admin) {
        admin.close(Duration.ofSeconds(5));
      } else {
        client.close();
      }
    } catch (Exception e) {
      LOG.warn("closing {} failed: {}", client.getClass().getSimpleName(), e.toString());
    }
  }
}
