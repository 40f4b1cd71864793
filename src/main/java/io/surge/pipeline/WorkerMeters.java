package io.surge.pipeline;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;

import java.time.Duration;

/**
 * The workers' meters: counts read from each {@link WorkerStatus} (label {@code worker}, one per consumer
 * thread), histograms of batch size, insert latency and the age of an event when it is persisted (persist time
 * minus the time Kafka took it: what users wait for), and each consumer's own metrics, lag per partition among
 * them ({@code kafka_consumer_fetch_manager_records_lag}).
 */
public final class WorkerMeters {
  private final MeterRegistry registry;
  final Timer insert;
  final DistributionSummary batchSize;
  final Timer ageAtPersist;

  public WorkerMeters(MeterRegistry registry) {
    this.registry = registry;
    this.insert = Timer.builder("surge.worker.insert").description("one batch's insert, first attempt")
        .publishPercentileHistogram().register(registry);
    this.batchSize = DistributionSummary.builder("surge.worker.batch.events").description("events per polled batch")
        .publishPercentileHistogram().maximumExpectedValue(100_000.0).register(registry);
    this.ageAtPersist = Timer.builder("surge.event.age.at.persist")
        .description("time from Kafka's append to the commit of the event's row")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
  }

  /** Registers the counts and gauges of one worker. */
  public void register(WorkerStatus s) {
    String w = s.name();
    FunctionCounter.builder("surge.worker.records.polled", s, WorkerStatus::polled).tag("worker", w).register(registry);
    FunctionCounter.builder("surge.worker.events.persisted", s, WorkerStatus::persistedEvents).tag("worker", w)
        .description("rows inserted (duplicates not counted)").register(registry);
    FunctionCounter.builder("surge.worker.events.dead.lettered", s, WorkerStatus::invalidRecords).tag("worker", w)
        .tag("reason", "invalid").register(registry);
    FunctionCounter.builder("surge.worker.events.dead.lettered", s, WorkerStatus::refusedRecords).tag("worker", w)
        .tag("reason", "refused").register(registry);
    FunctionCounter.builder("surge.worker.retries", s, WorkerStatus::retries).tag("worker", w).register(registry);
    FunctionCounter.builder("surge.worker.restarts", s, WorkerStatus::restarts).tag("worker", w).register(registry);
    Gauge.builder("surge.worker.lag.records", s, WorkerStatus::lag).tag("worker", w).register(registry);
    Gauge.builder("surge.worker.up", s, x -> x.alive() ? 1 : 0).tag("worker", w).register(registry);
    Gauge.builder("surge.worker.since.progress.seconds", s, WorkerStatus::secondsSinceProgress).tag("worker", w)
        .register(registry);
  }

  /** The consumer's own metrics, until the returned handle is closed with the consumer. */
  AutoCloseable bind(Consumer<?, ?> consumer) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
    metrics.bindTo(registry);
    return metrics;
  }
}
