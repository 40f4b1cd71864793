package io.surge.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The PRODUCER span "publish &lt;dead-letter topic&gt;" of a dead letter whose record carried a trace context:
 * the trace of an event that was accepted but could not be stored ends here, with the reason, instead of
 * stopping at Kafka. Its context replaces the record's in the dead letter's headers, so whoever consumes the
 * dead-letter topic continues from it. An untraced record gets no span, as for persist spans.
 */
public final class DeadLetterSpans {
  static final AttributeKey<String> REASON = AttributeKey.stringKey("surge.dlq.reason");

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String topic;
  private final String name;

  DeadLetterSpans(OpenTelemetry openTelemetry, String topic) {
    this.tracer = openTelemetry.getTracer("io.surge");
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.topic = topic;
    this.name = "publish " + topic;
  }

  /**
   * Starts the span of {@code deadLetter} (its headers copied from the record that could not be stored) and
   * writes its context into those headers; null when the record carried no trace context. End it with
   * {@link PublishSpans#ending} or {@link PublishSpans#failed}.
   */
  public Span start(ProducerRecord<byte[], byte[]> deadLetter, String reason) {
    Context parent = KafkaTraceHeaders.parentOf(propagator, deadLetter.headers());
    if (parent == null) {
      return null;
    }
    Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.PRODUCER).setParent(parent)
        .setAttribute(PublishSpans.SYSTEM, "kafka").setAttribute(PublishSpans.OPERATION, "send")
        .setAttribute(PublishSpans.DESTINATION, topic).setAttribute(REASON, reason)
        .startSpan()
        // the send may well succeed; what failed is the event, which will never be a row
        .setStatus(StatusCode.ERROR, "dead-lettered");
    propagator.inject(parent.with(span), deadLetter.headers(), KafkaTraceHeaders.PLAIN);
    return span;
  }
}
