package io.surge.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.surge.pipeline.DeadLetters.Rejected;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.surge.testing.TopicReader;
import io.surge.tracing.Tracing;
import io.vertx.core.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A dead letter the broker refuses is counted once under client dlq, by its reason, and fails the send; a traced
 * record's dead letter continues its trace.
 */
@ExtendWith(KafkaEngine.class)
class DeadLettersIT {
  /** The dead-letter topic's limit on a record batch; a dead letter with a larger value cannot be stored. */
  private static final int MAX_MESSAGE_BYTES = 512;

  @Test
  void deadLettersTheBrokerRefusesAreCountedByReason() throws Exception {
    // given a dead-letter topic that takes small records only
    String dlq = TestSurge.uniqueTopic("dead-letters-it") + ".dlq";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaEngine.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(dlq, 1, (short) 1)
          .configs(Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES))))).all().get();
    }
    MeterRegistry registry = new SimpleMeterRegistry();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", KafkaEngine.bootstrap(), "acks", "all"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      DeadLetters deadLetters = new DeadLetters(producer, dlq, registry, Tracing.OFF);

      // when one small and two oversized dead letters are sent
      int tooLarge = 4 * MAX_MESSAGE_BYTES;
      Future<Void> sent = deadLetters.send(List.of(rejected(1, 1), rejected(2, tooLarge), rejected(3, tooLarge)));
      // then the send fails with the broker's refusal
      Throwable refused = assertThrows(Throwable.class, sent::await);
      assertInstanceOf(RecordTooLargeException.class, refused);
    } // closing waits for every outstanding send and its callback, so the counts below are final

    // and each refusal is counted once, and only the small one was stored
    assertEquals(2, errors(registry, "RecordTooLargeException"));
    assertEquals(2, registry.find("surge.kafka.producer.errors").tag("client", "dlq").counters().stream()
        .mapToDouble(c -> c.count()).sum());
    try (TopicReader reader = new TopicReader(KafkaEngine.bootstrap(), dlq)) {
      assertEquals(1, reader.totalRecords(dlq));
    }
  }

  @Test
  void aTracedRecordsDeadLetterEndsItsTraceWithTheReason() throws Exception {
    // given tracing on and a record that carries a trace context
    String dlq = TestSurge.uniqueTopic("dead-letters-it") + ".dlq";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaEngine.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(dlq, 1, (short) 1))).all().get();
    }
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    Rejected traced = rejected(7, 10, "00-" + traceId + "-00f067aa0ba902b7-01");
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
         KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
             Map.of("bootstrap.servers", KafkaEngine.bootstrap(), "acks", "all"),
             new ByteArraySerializer(), new ByteArraySerializer())) {
      DeadLetters deadLetters = new DeadLetters(producer, dlq, new SimpleMeterRegistry(), Tracing.with(sdk));

      // when it and an untraced one are dead-lettered
      deadLetters.send(List.of(traced, rejected(8, 10))).await();

      // then one span, in the record's trace, names the reason and marks the event failed
      assertEquals(1, spans.getFinishedSpanItems().size(), "no span for the untraced record");
      SpanData span = spans.getFinishedSpanItems().get(0);
      assertEquals("publish " + dlq, span.getName());
      assertEquals(traceId, span.getTraceId());
      assertEquals("00f067aa0ba902b7", span.getParentSpanId());
      assertEquals("invalid", span.getAttributes().get(AttributeKey.stringKey("surge.dlq.reason")));
      assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());

      // and the dead letter carries the span's context, for whoever consumes the dead-letter topic
      try (TopicReader reader = new TopicReader(KafkaEngine.bootstrap(), dlq)) {
        List<ConsumerRecord<byte[], byte[]>> letters = reader.read(2, Duration.ofSeconds(30)); // one partition, in order
        assertEquals("00-" + traceId + "-" + span.getSpanId() + "-01", TopicReader.headers(letters.get(0)).get("traceparent"));
        assertNull(TopicReader.headers(letters.get(1)).get("traceparent"), "the untraced one stays untraced");
      }
    }
  }

  private static double errors(MeterRegistry registry, String reason) {
    return registry.get("surge.kafka.producer.errors").tag("client", "dlq").tag("reason", reason).counter().count();
  }

  private static Rejected rejected(long offset, int valueBytes) {
    return rejected(offset, valueBytes, null);
  }

  /** {@code traceparent}: the record's header of that name, or null for none. */
  private static Rejected rejected(long offset, int valueBytes, String traceparent) {
    RecordHeaders headers = new RecordHeaders();
    if (traceparent != null) {
      headers.add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
    }
    return new Rejected(new ConsumerRecord<>("events", 0, offset, System.currentTimeMillis(), TimestampType.CREATE_TIME,
        0, valueBytes, new byte[0], new byte[valueBytes], headers, Optional.empty()), "invalid");
  }
}
