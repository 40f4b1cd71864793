package io.surge.node;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.surge.config.SurgeConfig;
import io.surge.ingest.EventPublisher;
import io.surge.ingest.InflightLimit;
import io.surge.ingest.IngestMeters;
import io.surge.ingest.IngestRoutes;
import io.surge.ingest.PersistedWaits;
import io.surge.kafka.KafkaClients;
import io.surge.kafka.KafkaReadiness;
import io.surge.kafka.KafkaTopics;
import io.surge.security.RateLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;

import java.util.List;
import java.util.function.Consumer;

/** The ingest role: a producer to the events topic behind {@code POST /v1/events}. */
public final class IngestStarter {
  private IngestStarter() {}

  /** A running ingest role; stop it once no request can reach it any more. */
  public record Ingest(Consumer<Router> routes, InflightLimit inflight, PersistedWaits waits, Producer<byte[], byte[]> producer,
                KafkaClientMetrics producerMetrics, Admin admin, Vertx vertx) {
    /** Stops waiting for persists, then flushes the producer: every event answered 202 is in Kafka by then. */
    public Future<Void> stop() {
      return waits.close().transform(v -> KafkaClientsCloser.close(vertx, List.of(producer, admin)))
          .onComplete(v -> producerMetrics.close());
    }
  }

  public static Future<Ingest> start(SharedClients shared, RateLimits rateLimits) {
    SurgeConfig config = shared.config();
    SurgeConfig.KafkaConfig kafka = config.kafka();
    Admin admin = KafkaClients.admin(kafka, "surge-ingest-admin");
    Producer<byte[], byte[]> producer = KafkaClients.eventProducer(kafka, "surge-ingest");
    // the producer's own figures (kafka_producer_*: records per request, batch size, request latency), read on a
    // scrape, never on the send path
    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(shared.metrics().registry());
    InflightLimit inflight = new InflightLimit(config.ingest().maxInflightEvents());
    EventPublisher publisher = new EventPublisher(producer, kafka.topic(), inflight, config.ingest().retryAfterSeconds(),
        shared.metrics().registry(), shared.metrics().tracing());
    PersistedWaits waits = PersistedWaits.start(shared.vertx(), config.pg().url(), kafka.topic());
    Ingest ingest = new Ingest(new IngestRoutes(config.ingest(), publisher, waits, rateLimits,
        new IngestMeters(shared.metrics().registry(), inflight)), inflight, waits, producer, producerMetrics, admin,
        shared.vertx());
    shared.health().check("kafka", new KafkaReadiness(shared.vertx(), admin, 2000));
    return KafkaTopics.ensure(shared.vertx(), admin, kafka.topic(), kafka)
        .compose(v -> KafkaTopics.awaitMetadata(shared.vertx(), producer, kafka.topic(), kafka.startupTimeoutMs()))
        .map(v -> ingest)
        .recover(e -> ingest.stop().transform(v -> Future.failedFuture(e)));
  }
}
