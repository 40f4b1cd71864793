package io.surge.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;
import java.util.List;

/**
 * The worker's CONSUMER span "persist" for each traced record, parented on the context in the record's headers
 * ({@code traceparent}, else the CloudEvents {@code ce_traceparent} extension), from Surge's publisher or any
 * other producer.
 *
 * <p>One insert holds a batch of records of many traces. A single batch span could have one parent only, and a
 * trace followed from a request would stop at Kafka (viewers seldom follow links); so each traced record gets a
 * short span of its own in its own trace, all with the batch's start (insert issued) and end (insert confirmed,
 * recovery of a failed batch included), the batch size and the record's partition and offset. A record that the
 * recovery dead-lettered for its data gets one too (its batch was settled); the worker's log names it. A record
 * without a context gets none: a new trace per untraced record would be noise.
 */
public final class PersistSpans {
  private static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("messaging.batch.message_count");
  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  private static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  PersistSpans(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("io.surge");
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  /** The start of a batch's spans, taken when its insert is issued. */
  public Instant start() {
    return Instant.now();
  }

  /** Records a span for each record of the batch that carries a trace context; {@code records} is the batch. */
  public void persisted(List<ConsumerRecord<byte[], byte[]>> records, Instant started) {
    Instant ended = Instant.now();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Context parent = KafkaTraceHeaders.parentOf(propagator, record.headers());
      if (parent == null) {
        continue;
      }
      tracer.spanBuilder("persist").setSpanKind(SpanKind.CONSUMER).setParent(parent).setStartTimestamp(started)
          .setAttribute(PublishSpans.SYSTEM, "kafka").setAttribute(PublishSpans.OPERATION, "process")
          .setAttribute(PublishSpans.DESTINATION, record.topic())
          .setAttribute(PublishSpans.PARTITION, String.valueOf(record.partition()))
          .setAttribute(PublishSpans.OFFSET, record.offset())
          .setAttribute(BATCH_SIZE, (long) records.size())
          .setAttribute(DB_SYSTEM, "postgresql").setAttribute(DB_OPERATION, "INSERT")
          .startSpan().end(ended);
    }
  }
}
