package io.surge.tracing;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.surge.SurgeNode;
import io.surge.cloudevents.CloudEvent;
import io.surge.ingest.EventPublisher;
import io.surge.ingest.InflightLimit;
import io.surge.ops.Metrics;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.surge.testing.TopicReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.surge.testing.Eventually.eventually;
import static io.surge.testing.TopicReader.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * One trace from the HTTP request through Kafka to the insert: a node with ingest and worker roles traces into an
 * in-memory exporter, and the spans and the record's headers are read back. The EventPublisher tests publish alone,
 * to a topic of their own, and read the record back from the broker.
 */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class TracingIT {
  private static final Duration PERSISTED_WITHIN = Duration.ofSeconds(20);
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static OpenTelemetrySdk sdk;
  private static String topic;
  private static String raw;
  private static SurgeNode node;
  private static WebClient client;
  private static final String REQUEST = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final String EVENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static String published;
  private static KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  static void start(Vertx vertx) {
    topic = TestSurge.uniqueTopic("tracing-it");
    raw = topic + ".raw";
    KafkaEngine.createTopics(1, raw);
    sdk = TracingTest.sdk(SPANS);
    node = SurgeNode.start(TestSurge.config(KafkaEngine.bootstrap(), topic, Map.of(
        "SURGE_ROLES", "ingest,worker",
        "SURGE_PIPELINE_INGRESS_TOPICS", raw + "=raw:com.example.legacy")), new Metrics(Tracing.with(sdk))).await();
    client = TestSurge.client(vertx, node.httpPort());
    published = TestSurge.uniqueTopic("tracing-publish-it");
    KafkaEngine.createTopics(1, published);
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaEngine.bootstrap(), "acks", "all"),
        new ByteArraySerializer(), new ByteArraySerializer());
    // the publisher sends on the event loop: fetch the topic's metadata here so no send waits for it there
    producer.partitionsFor(published);
  }

  @AfterAll
  static void stop() {
    producer.close();
    node.stop().await();
    sdk.close();
  }

  @Test
  void offAddsNoTraceHeaderAndStillPublishes(Vertx vertx) {
    EventPublisher publisher = publisher(Tracing.OFF);

    List<RecordMetadata> sent = publish(vertx, publisher,
        MultiMap.caseInsensitiveMultiMap().add("traceparent", REQUEST));

    assertEquals(1, sent.size());
    Map<String, String> headers = headersOf(sent.get(0));
    assertNull(headers.get("traceparent"));
    assertNull(headers.get("tracestate"));
    // the event's own extension travels as any extension does, untouched
    assertEquals(EVENT, headers.get("ce_traceparent"));
  }

  @Test
  void onWithARequestTraceTheEventsOwnTraceIsLinked(Vertx vertx) {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk = TracingTest.sdk(spans)) {
      EventPublisher publisher = publisher(Tracing.with(sdk));

      publish(vertx, publisher, MultiMap.caseInsensitiveMultiMap().add("traceparent", REQUEST));

      // no server span in this test: the parent is whatever is current, and the event's trace is only linked
      SpanData publish = spans.getFinishedSpanItems().get(0);
      assertNotEquals("4bf92f3577b34da6a3ce929d0e0e4736", publish.getTraceId());
      assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", publish.getLinks().get(0).getSpanContext().getTraceId());
      assertEquals("00f067aa0ba902b7", publish.getLinks().get(0).getSpanContext().getSpanId());
    }
  }

  @Test
  void onWithoutARequestTraceTheRecordContinuesTheEventsTrace(Vertx vertx) {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk = TracingTest.sdk(spans)) {
      EventPublisher publisher = publisher(Tracing.with(sdk));

      List<RecordMetadata> sent = publish(vertx, publisher, MultiMap.caseInsensitiveMultiMap());

      SpanData publish = spans.getFinishedSpanItems().get(0);
      assertEquals("publish " + published, publish.getName());
      assertEquals(SpanKind.PRODUCER, publish.getKind());
      assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", publish.getTraceId());
      assertEquals("00f067aa0ba902b7", publish.getParentSpanId());
      assertEquals("00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-01", headersOf(sent.get(0)).get("traceparent"));
    }
  }

  @Test
  void theRequestsTraceGoesThroughKafkaToTheInsert() {
    String traceId = hex(32);
    String callerSpan = hex(16);

    HttpResponse<Buffer> answer = client.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .putHeader("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
        .sendBuffer(Buffer.buffer(event().encode())).await();
    assertEquals(202, answer.statusCode());

    SpanData persist = eventually(PERSISTED_WITHIN, () -> one(traceId, "persist"));
    SpanData server = one(traceId, SpanKind.SERVER);
    SpanData publish = one(traceId, "publish " + topic);
    assertEquals(callerSpan, server.getParentSpanId());
    assertEquals(SpanKind.PRODUCER, publish.getKind());
    assertEquals(server.getSpanId(), publish.getParentSpanId());
    assertEquals(SpanKind.CONSUMER, persist.getKind());
    assertEquals(publish.getSpanId(), persist.getParentSpanId());
    JsonObject position = answer.bodyAsJsonObject().getJsonArray("accepted").getJsonObject(0);
    try (TopicReader reader = new TopicReader(KafkaEngine.bootstrap(), topic)) {
      ConsumerRecord<byte[], byte[]> record = reader.at(topic, position.getInteger("partition"), position.getLong("offset"));
      assertEquals("00-" + traceId + "-" + publish.getSpanId() + "-01", headers(record).get("traceparent"));
    }
  }

  @Test
  void withoutARequestTraceTheEventsTraceparentExtensionIsContinued() {
    String traceId = hex(32);
    String originSpan = hex(16);

    HttpResponse<Buffer> answer = client.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .sendBuffer(Buffer.buffer(event().put("traceparent", "00-" + traceId + "-" + originSpan + "-01").encode())).await();
    assertEquals(202, answer.statusCode());

    SpanData persist = eventually(PERSISTED_WITHIN, () -> one(traceId, "persist"));
    SpanData publish = one(traceId, "publish " + topic);
    assertEquals(originSpan, publish.getParentSpanId());
    assertEquals(publish.getSpanId(), persist.getParentSpanId());
    // the request's own span began a trace of its own; the publish span links to it
    String serverTrace = publish.getLinks().get(0).getSpanContext().getTraceId();
    SpanData server = one(serverTrace, SpanKind.SERVER);
    assertEquals(publish.getLinks().get(0).getSpanContext().getSpanId(), server.getSpanId());
    assertNotEquals(traceId, serverTrace);
  }

  @Test
  void aRecordFromAnotherProducerWithATraceparentIsContinued() throws Exception {
    String traceId = hex(32);
    String producerSpan = hex(16);
    RecordMetadata sent;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaEngine.bootstrap()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      sent = producer.send(new ProducerRecord<>(raw, null, (byte[]) null, "{\"temp\":21}".getBytes(StandardCharsets.UTF_8),
          List.of(new RecordHeader("traceparent", ("00-" + traceId + "-" + producerSpan + "-01").getBytes(StandardCharsets.UTF_8))))).get();
    }

    SpanData persist = eventually(PERSISTED_WITHIN, () -> one(traceId, "persist"));
    assertEquals(producerSpan, persist.getParentSpanId());
    assertEquals(raw, persist.getAttributes().get(PublishSpans.DESTINATION));
    assertEquals(sent.offset(), persist.getAttributes().get(PublishSpans.OFFSET));
  }

  private static SpanData one(String traceId, String name) {
    List<SpanData> found = SPANS.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(traceId) && s.getName().equals(name)).toList();
    assertEquals(1, found.size(), "spans named " + name + " in trace " + traceId + ": " + found);
    return found.get(0);
  }

  private static SpanData one(String traceId, SpanKind kind) {
    List<SpanData> found = SPANS.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == kind).toList();
    assertEquals(1, found.size(), kind + " spans in trace " + traceId + ": " + found);
    return found.get(0);
  }

  private static EventPublisher publisher(Tracing tracing) {
    return new EventPublisher(producer, published, new InflightLimit(10), 1, new SimpleMeterRegistry(), tracing);
  }

  /** One event carrying the {@code EVENT} trace, published on a Vert.x context as the HTTP route does. */
  private static List<RecordMetadata> publish(Vertx vertx, EventPublisher publisher, MultiMap requestHeaders) {
    CloudEvent event = new CloudEvent("id-1", "/src", "1.0", "t", null, null, null, null, Map.of("traceparent", EVENT),
        null);
    return Future.<List<RecordMetadata>>future(p -> vertx.runOnContext(v ->
        publisher.publish(List.of(event), "default", requestHeaders).onComplete(p))).await();
  }

  /** The headers of the published record as the broker holds it. */
  private static Map<String, String> headersOf(RecordMetadata sent) {
    try (TopicReader reader = new TopicReader(KafkaEngine.bootstrap(), published)) {
      return headers(reader.at(published, sent.partition(), sent.offset()));
    }
  }

  private static JsonObject event() {
    return new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString()).put("source", "/it/tracing")
        .put("type", "com.example.traced").put("data", new JsonObject().put("n", 1));
  }

  private static String hex(int digits) {
    StringBuilder s = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      s.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
    }
    return s.toString();
  }
}
