package io.surge.tracing;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.surge.cloudevents.CloudEvent;
import io.surge.ingest.EventPublisher;
import io.surge.ingest.InflightLimit;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When tracing is on, and that off it adds nothing to a record; without a broker (a MockProducer). */
class TracingTest {
  private static final String REQUEST = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final String EVENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

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

  @Test
  void offAddsNoTraceHeaderAndStillPublishes() {
    MockProducer<byte[], byte[]> producer = producer();
    EventPublisher publisher = new EventPublisher(producer, "t", new InflightLimit(10), 1, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), Tracing.OFF);

    List<RecordMetadata> sent = publish(publisher, event(EVENT), MultiMap.caseInsensitiveMultiMap().add("traceparent", REQUEST));

    assertEquals(1, sent.size());
    ProducerRecord<byte[], byte[]> record = producer.history().get(0);
    assertNull(record.headers().lastHeader("traceparent"));
    assertNull(record.headers().lastHeader("tracestate"));
    // the event's own extension travels as any extension does, untouched
    assertEquals(EVENT, new String(record.headers().lastHeader("ce_traceparent").value(), StandardCharsets.UTF_8));
  }

  @Test
  void onWithARequestTraceTheEventsOwnTraceIsLinked() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk = sdk(spans)) {
      EventPublisher publisher = new EventPublisher(producer(), "t", new InflightLimit(10), 1, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), Tracing.with(sdk));

      publish(publisher, event(EVENT), MultiMap.caseInsensitiveMultiMap().add("traceparent", REQUEST));

      // no server span in this test: the parent is whatever is current, and the event's trace is only linked
      SpanData publish = spans.getFinishedSpanItems().get(0);
      assertNotEquals("4bf92f3577b34da6a3ce929d0e0e4736", publish.getTraceId());
      assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", publish.getLinks().get(0).getSpanContext().getTraceId());
      assertEquals("00f067aa0ba902b7", publish.getLinks().get(0).getSpanContext().getSpanId());
    }
  }

  @Test
  void onWithoutARequestTraceTheRecordContinuesTheEventsTrace() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk = sdk(spans)) {
      MockProducer<byte[], byte[]> producer = producer();
      EventPublisher publisher = new EventPublisher(producer, "t", new InflightLimit(10), 1, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), Tracing.with(sdk));

      publish(publisher, event(EVENT), MultiMap.caseInsensitiveMultiMap());

      SpanData publish = spans.getFinishedSpanItems().get(0);
      assertEquals("publish t", publish.getName());
      assertEquals(SpanKind.PRODUCER, publish.getKind());
      assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", publish.getTraceId());
      assertEquals("00f067aa0ba902b7", publish.getParentSpanId());
      String header = new String(producer.history().get(0).headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8);
      assertEquals("00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-01", header);
    }
  }

  static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  private static MockProducer<byte[], byte[]> producer() {
    return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static CloudEvent event(String traceparent) {
    return new CloudEvent("id-1", "/src", "1.0", "t", null, null, null, null, Map.of("traceparent", traceparent), null);
  }

  /** On a Vert.x context, as the HTTP route calls it. */
  private static List<RecordMetadata> publish(EventPublisher publisher, CloudEvent event, MultiMap headers) {
    return Future.<List<RecordMetadata>>future(p -> vertx.runOnContext(v ->
        publisher.publish(List.of(event), "default", headers).onComplete(p))).await();
  }
}
