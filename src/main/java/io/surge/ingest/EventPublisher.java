package io.surge.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.surge.cloudevents.CloudEvent;
import io.surge.cloudevents.KafkaBinding;
import io.surge.http.Problems;
import io.surge.kafka.ProducerErrors;
import io.surge.tracing.PublishSpans;
import io.surge.tracing.Tracing;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends events to Kafka and completes once Kafka acknowledged all of them (acks=all, idempotent producer).
 *
 * <p>Sends run on the event loop: the producer is built with {@code max.block.ms=0}, so {@code send} never
 * waits for metadata or buffer space; it fails fast instead, which answers 503.
 */
public final class EventPublisher {
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final InflightLimit inflight;
  private final int retryAfterSeconds;
  private final ProducerErrors errors;
  /** Null when tracing is off: the only cost of tracing then is testing this. */
  private final PublishSpans spans;

  public EventPublisher(Producer<byte[], byte[]> producer, String topic, InflightLimit inflight, int retryAfterSeconds,
                        MeterRegistry registry, Tracing tracing) {
    this.producer = producer;
    this.topic = topic;
    this.inflight = inflight;
    this.retryAfterSeconds = retryAfterSeconds;
    this.errors = new ProducerErrors(registry, "ingest");
    this.spans = tracing.publishSpans(topic);
  }

  /**
   * The Kafka position of each event, in request order; every record carries {@code tenant}, and when tracing is
   * on the trace context of the request (its {@code requestHeaders}) or of the event.
   */
  public Future<List<RecordMetadata>> publish(List<CloudEvent> events, String tenant, MultiMap requestHeaders) {
    if (events.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (!inflight.tryAcquire(events.size())) {
      return Future.failedFuture(Problems.overloaded(
          "too many events in flight to Kafka on this instance; retry shortly", retryAfterSeconds));
    }
    Acknowledgements acks = new Acknowledgements(events.size(), Vertx.currentContext());
    boolean requestTraced = spans != null && spans.carriesTrace(requestHeaders);
    for (int i = 0; i < events.size(); i++) {
      int index = i;
      Span span = null;
      try {
        ProducerRecord<byte[], byte[]> record = KafkaBinding.toRecord(topic, events.get(i), tenant);
        span = spans == null ? null : spans.start(record, requestTraced);
        producer.send(record, PublishSpans.ending(span, (metadata, error) -> acks.record(index, metadata, error)));
      } catch (RuntimeException e) {
        PublishSpans.failed(span, e);
        acks.record(index, null, e);
      }
    }
    return acks.promise.future();
  }

  /** Collects the acknowledgements from the producer thread; the last one completes the promise on its context. */
  private final class Acknowledgements {
    final Promise<List<RecordMetadata>> promise = Promise.promise();
    final RecordMetadata[] results;
    final AtomicInteger remaining;
    final Context context;
    volatile Throwable failure;

    Acknowledgements(int count, Context context) {
      this.results = new RecordMetadata[count];
      this.remaining = new AtomicInteger(count);
      this.context = context;
    }

    void record(int index, RecordMetadata metadata, Throwable error) {
      if (error != null) {
        errors.record(error);
        failure = error;
      } else {
        results[index] = metadata;
      }
      if (remaining.decrementAndGet() == 0) {
        inflight.release(results.length);
        context.runOnContext(v -> complete());
      }
    }

    private void complete() {
      Throwable error = failure;
      if (error == null) {
        promise.complete(Arrays.asList(results));
      } else {
        promise.fail(Problems.fromKafka(error, retryAfterSeconds));
      }
    }
  }
}
