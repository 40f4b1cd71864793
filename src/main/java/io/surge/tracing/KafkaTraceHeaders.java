package io.surge.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Trace context in Kafka record headers, as UTF-8 values under the propagator's names ({@code traceparent},
 * {@code tracestate} for W3C). {@link #CLOUDEVENT} reads the same names with the CloudEvents Kafka binding's
 * {@code ce_} prefix: the Distributed Tracing extension of an event whose producer set no header of its own.
 */
enum KafkaTraceHeaders implements TextMapGetter<Headers>, TextMapSetter<Headers> {
  PLAIN(""),
  CLOUDEVENT("ce_");

  private final String prefix;

  KafkaTraceHeaders(String prefix) {
    this.prefix = prefix;
  }

  /**
   * The trace context a record carries: its {@code traceparent} header (read with {@code propagator}), else the
   * CloudEvents {@code ce_traceparent} extension (W3C by definition); null when it carries none.
   */
  static Context parentOf(TextMapPropagator propagator, Headers headers) {
    Context context = propagator.extract(Context.root(), headers, PLAIN);
    if (Span.fromContext(context).getSpanContext().isValid()) {
      return context;
    }
    context = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, CLOUDEVENT);
    return Span.fromContext(context).getSpanContext().isValid() ? context : null;
  }

  @Override
  public Iterable<String> keys(Headers headers) {
    List<String> keys = new ArrayList<>();
    for (Header h : headers) {
      if (h.key().startsWith(prefix)) {
        keys.add(h.key().substring(prefix.length()));
      }
    }
    return keys;
  }

  @Override
  public String get(Headers headers, String key) {
    if (headers == null) {
      return null;
    }
    Header h = headers.lastHeader(prefix + key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Replaces any value already there: a record carries one context, the span that sent it. */
  @Override
  public void set(Headers headers, String key, String value) {
    if (headers != null) {
      headers.remove(prefix + key);
      headers.add(prefix + key, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
