package io.surge.tracing;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When tracing is on, and what it is built from; what it adds to records is in {@link TracingIT}, on a real broker. */
class TracingTest {
  @Test
  void onlyAnExporterOtherThanNoneTurnsTracingOn() {
    assertFalse(Tracing.enabled(Map.<String, String>of()::get));
    assertFalse(Tracing.enabled(Map.of("OTEL_TRACES_EXPORTER", "none")::get));
    assertFalse(Tracing.enabled(Map.of("OTEL_TRACES_EXPORTER", " ")::get));
    assertFalse(Tracing.enabled(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true")::get));
    assertTrue(Tracing.enabled(Map.of("OTEL_TRACES_EXPORTER", "otlp")::get));
    assertTrue(Tracing.enabled(Map.of("OTEL_TRACES_EXPORTER", "console", "OTEL_SDK_DISABLED", "false")::get));
    assertFalse(Tracing.fromEnvironment(Map.<String, String>of()::get).on());
  }

  @Test
  void onTheSdkIsBuiltFromTheStandardVariablesAndNamedSurge() {
    try (Tracing tracing = Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "otlp")::get)) {
      assertTrue(tracing.on());
      String provider = ((OpenTelemetrySdk) tracing.openTelemetry()).getSdkTracerProvider().toString();
      assertTrue(provider.contains("service.name=\"surge\""), provider);
      assertTrue(provider.contains("OtlpGrpcSpanExporter"), provider);
    }
  }

  static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }
}
