package io.surge.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.MultiMap;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The PRODUCER span "publish &lt;topic&gt;" of each event Surge sends to Kafka, ended by Kafka's acknowledgement,
 * and its context in the record's {@code traceparent}/{@code tracestate} headers, where the worker (or any other
 * consumer) continues the trace.
 *
 * <p>Its parent: the HTTP request's trace when the request carried one (Vert.x's server span continues it and is
 * current here), linked to the event's own CloudEvents {@code traceparent} extension if it has one; else that
 * extension (Distributed Tracing), linked to the server span so the request is still found; else the server span,
 * which began a trace of its own.
 */
public final class PublishSpans {
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  private static final TextMapGetter<MultiMap> HTTP_HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(MultiMap headers) {
      return headers.names();
    }

    @Override
    public String get(MultiMap headers, String key) {
      return headers == null ? null : headers.get(key);
    }
  };

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String topic;
  private final String name;

  PublishSpans(OpenTelemetry openTelemetry, String topic) {
    this.tracer = openTelemetry.getTracer("io.surge");
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.topic = topic;
    this.name = "publish " + topic;
  }

  /** Whether the request's headers carry a trace context (then the server span continues it). */
  public boolean carriesTrace(MultiMap requestHeaders) {
    return requestHeaders != null
        && Span.fromContext(propagator.extract(Context.root(), requestHeaders, HTTP_HEADERS)).getSpanContext().isValid();
  }

  /** Starts the record's publish span and writes its context into the record's headers. */
  public Span start(ProducerRecord<byte[], byte[]> record, boolean requestTraced) {
    Context current = Context.current();
    SpanBuilder span = tracer.spanBuilder(name).setSpanKind(SpanKind.PRODUCER).setParent(current)
        .setAttribute(SYSTEM, "kafka").setAttribute(OPERATION, "send").setAttribute(DESTINATION, topic);
    // the extension is W3C Trace Context by definition, whatever propagator the process is configured with
    Context origin = W3CTraceContextPropagator.getInstance().extract(Context.root(), record.headers(),
        KafkaTraceHeaders.CLOUDEVENT);
    SpanContext event = Span.fromContext(origin).getSpanContext();
    if (event.isValid() && requestTraced) {
      span.addLink(event);
    } else if (event.isValid()) {
      span.setParent(origin).addLink(Span.fromContext(current).getSpanContext());
    }
    Span started = span.startSpan();
    propagator.inject(current.with(started), record.headers(), KafkaTraceHeaders.PLAIN);
    return started;
  }

  /** {@code acked}, ending {@code span} first with the record's position or the failure; as is without a span. */
  public static Callback ending(Span span, Callback acked) {
    if (span == null) {
      return acked;
    }
    return (metadata, error) -> {
      if (metadata != null && error == null) {
        span.setAttribute(PARTITION, String.valueOf(metadata.partition())).setAttribute(OFFSET, metadata.offset());
      }
      end(span, error);
      acked.onCompletion(metadata, error);
    };
  }

  /** Ends the span of a send that failed before Kafka took it; nothing without a span. */
  public static void failed(Span span, Throwable error) {
    if (span != null) {
      end(span, error);
    }
  }

  private static void end(Span span, Throwable error) {
    if (error != null) {
      span.recordException(error).setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
    }
    span.end();
  }
}
