package io.surge.node;

import io.surge.config.SurgeConfig;
import io.surge.config.SurgeConfig.IngressTopic;
import io.surge.kafka.KafkaClients;
import io.surge.kafka.KafkaTopics;
import io.surge.pipeline.CacheWriter;
import io.surge.pipeline.DeadLetters;
import io.surge.pipeline.EventRecordDecoder;
import io.surge.pipeline.EventWorker;
import io.surge.pipeline.EventWriter;
import io.surge.pipeline.WorkerMeters;
import io.surge.pipeline.WorkerStatus;
import io.surge.pipeline.WorkerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** The worker role: supervised consumers of the events topic (and ingress topics) writing to Postgres and Redis. */
public final class WorkerStarter {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerStarter.class);

  private WorkerStarter() {}

  /**
   * Running workers; stopping lets each finish and commit the batch in hand, sends the cache updates still
   * queued (Redis closes next), then flushes the DLQ producer.
   */
  public record Workers(List<WorkerStatus> statuses, List<String> deployments, CacheWriter cache,
                        Producer<byte[], byte[]> dlqProducer, Admin admin, Vertx vertx) {
    public Future<Void> stop() {
      return Future.join(deployments.stream().map(vertx::undeploy).toList())
          .transform(v -> cache.idle())
          .transform(v -> KafkaClientsCloser.close(vertx, List.of(dlqProducer, admin)));
    }
  }

  /** {@code identity}: this process's static-membership id, or null for dynamic membership. */
  public static Future<Workers> start(SharedClients shared, String identity) {
    SurgeConfig config = shared.config();
    SurgeConfig.KafkaConfig kafka = config.kafka();
    SurgeConfig.PipelineConfig pipeline = config.pipeline();
    Vertx vertx = shared.vertx();
    List<String> topics = new ArrayList<>(List.of(kafka.topic()));
    Map<String, IngressTopic> ingress = new HashMap<>();
    for (IngressTopic t : pipeline.ingressTopics()) {
      topics.add(t.name());
      ingress.put(t.name(), t);
    }
    Admin admin = KafkaClients.admin(kafka, "surge-worker-admin");
    Producer<byte[], byte[]> dlqProducer = KafkaClients.eventProducer(kafka, "surge-dlq");
    // filled from event loops as the verticles deploy, read by health checks on others
    CacheWriter cache = new CacheWriter(vertx, shared.redis(), config.redis(), shared.metrics().registry());
    Workers workers = new Workers(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), cache, dlqProducer, admin,
        vertx);
    DeadLetters deadLetters = new DeadLetters(dlqProducer, pipeline.dlqTopic(), shared.metrics().registry(),
        shared.metrics().tracing());
    EventWriter writer = new EventWriter(shared.pool());
    EventRecordDecoder decoder = new EventRecordDecoder(ingress, config.ingest().maxJsonDepth(), config.ingest().events());
    WorkerMeters meters = new WorkerMeters(shared.metrics().registry());
    long stallMs = pipeline.stallSeconds() * 1000L;
    shared.health().check("workers", () -> workers.statuses().stream().allMatch(w -> w.problem(stallMs) == null)
        ? Future.succeededFuture() : Future.failedFuture("a worker is dead or stuck"));
    return KafkaTopics.ensure(vertx, admin, kafka.topic(), kafka)
        .compose(v -> KafkaTopics.ensure(vertx, admin, pipeline.dlqTopic(), kafka))
        .compose(v -> KafkaTopics.awaitMetadata(vertx, dlqProducer, pipeline.dlqTopic(), kafka.startupTimeoutMs()))
        .compose(v -> {
          List<Future<String>> deployed = new ArrayList<>();
          for (int i = 0; i < pipeline.consumers(); i++) {
            String name = "surge-worker-" + i;
            String instanceId = identity == null ? null : identity + "-" + i;
            WorkerStatus status = new WorkerStatus(name);
            workers.statuses().add(status);
            meters.register(status);
            deployed.add(vertx.deployVerticle(new WorkerVerticle(() -> new EventWorker(
                KafkaClients.workerConsumer(kafka, pipeline.groupId(), name, pipeline.maxPollRecords(), instanceId,
                    pipeline.sessionTimeoutMs()),
                topics, kafka.topic(), decoder, deadLetters, writer, cache, pipeline.backoffMinMs(),
                pipeline.backoffMaxMs(), status, meters, shared.metrics().tracing()), status, pipeline.backoffMinMs(), 30_000))
                .onSuccess(workers.deployments()::add));
          }
          LOG.info("{} worker(s) consuming {} (group {}{}), dead letters to {}", pipeline.consumers(), topics,
              pipeline.groupId(), identity == null ? "" : ", static member " + identity, pipeline.dlqTopic());
          return Future.all(deployed);
        })
        .map(v -> workers)
        .recover(e -> workers.stop().transform(v -> Future.failedFuture(e)));
  }

  /**
   * The configured worker identity, else host name and HTTP port (unique per host), else none (port 0). Found
   * on the caller's thread, as the host name may take a DNS lookup.
   */
  public static String identity(SurgeConfig config) {
    String configured = config.pipeline().instanceId();
    if (!configured.isEmpty()) {
      return configured;
    }
    if (config.http().port() == 0) {
      return null;
    }
    String host = System.getenv("HOSTNAME");
    try {
      host = host == null || host.isBlank() ? java.net.InetAddress.getLocalHost().getHostName() : host;
    } catch (java.net.UnknownHostException e) {
      return null;
    }
    return host + "-" + config.http().port();
  }
}
