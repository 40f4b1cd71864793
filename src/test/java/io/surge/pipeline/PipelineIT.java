package io.surge.pipeline;

import io.surge.SurgeNode;
import io.surge.config.SurgeConfig;
import io.surge.db.Postgres;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.surge.testing.TopicReader;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static io.surge.testing.Problem.assertProblem;
import static io.surge.testing.TopicReader.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole pipeline in one process: HTTP and Kafka producers in, workers to Postgres and Redis, queries out. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class PipelineIT {
  private static final Duration PERSISTED_WITHIN = Duration.ofSeconds(20);

  private static String topic;
  private static String ingress;
  private static String rawTopic;
  private static SurgeConfig config;
  private static SurgeNode node;
  private static WebClient client;
  private static KafkaProducer<byte[], byte[]> producer;
  private static Pool db;

  @BeforeAll
  static void start(Vertx vertx) {
    topic = TestSurge.uniqueTopic("pipeline-it");
    ingress = topic + ".in";
    rawTopic = topic + ".raw";
    KafkaEngine.createTopics(3, ingress, rawTopic);
    config = TestSurge.config(KafkaEngine.bootstrap(), topic, Map.of(
        "SURGE_ROLES", "ingest,worker,query",
        "SURGE_PIPELINE_INGRESS_TOPICS", ingress + "," + rawTopic + "=raw:com.example.legacy",
        "SURGE_QUERY_MAX_LIMIT", "50",
        "SURGE_QUERY_DEFAULT_LIMIT", "20"));
    node = SurgeNode.start(config).await();
    client = TestSurge.client(vertx, node.httpPort());
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaEngine.bootstrap()),
        new ByteArraySerializer(), new ByteArraySerializer());
    db = Postgres.pool(vertx, config.pg().url(), 2);
  }

  @AfterAll
  static void stop() {
    producer.close();
    db.close().await();
    node.stop().await();
  }

  @Test
  void anEventPostedOverHttpIsReadableById() {
    String id = uniqueId();
    JsonObject event = event(id, "/it/http", "com.example.created").put("subject", "order-" + id)
        .put("time", "2026-11-28T10:00:00.123456Z").put("tracelevel", 3)
        .put("data", new JsonObject().put("amount", 12.5).put("items", new JsonArray().add("a")));

    assertEquals(202, post(event).statusCode());

    HttpResponse<Buffer> found = awaitFound(() -> get("/v1/events/" + id + "?source=/it/http"));
    assertEquals("application/cloudevents+json", found.getHeader("Content-Type"));
    JsonObject body = found.bodyAsJsonObject();
    assertEquals(id, body.getString("id"));
    assertEquals("/it/http", body.getString("source"));
    assertEquals("1.0", body.getString("specversion"));
    assertEquals("com.example.created", body.getString("type"));
    assertEquals("order-" + id, body.getString("subject"));
    assertEquals("2026-11-28T10:00:00.123456Z", body.getString("time"));
    // the Kafka binary binding carries every attribute as its canonical string (kafka-protocol-binding 3.2.3)
    assertEquals("3", body.getString("tracelevel"));
    assertEquals("application/json", body.getString("datacontenttype"));
    assertEquals(new JsonObject().put("amount", 12.5).put("items", new JsonArray().add("a")), body.getJsonObject("data"));
    // without source: the id is unique, so it is found too (and a second read is served from the cache)
    assertEquals(body, get("/v1/events/" + id).bodyAsJsonObject());
    assertEquals(body, get("/v1/events/" + id + "?source=/it/http").bodyAsJsonObject());
  }

  @Test
  void binaryDataComesBackAsBase64() {
    String id = uniqueId();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("ce-specversion", "1.0").add("ce-id", id)
        .add("ce-source", "/it/binary").add("ce-type", "com.example.blob").add("Content-Type", "application/octet-stream");
    byte[] data = {0, 1, 2, (byte) 0xff};

    assertEquals(202, client.post("/v1/events").putHeaders(headers).sendBuffer(Buffer.buffer(data)).await().statusCode());

    JsonObject body = awaitFound(() -> get("/v1/events/" + id + "?source=/it/binary")).bodyAsJsonObject();
    assertEquals("application/octet-stream", body.getString("datacontenttype"));
    assertEquals(Base64.getEncoder().encodeToString(data), body.getString("data_base64"));
  }

  @Test
  void anIdSharedBySourcesIsAConflictWithoutSource() {
    String id = uniqueId();
    post(new JsonArray().add(event(id, "/it/a", "t")).add(event(id, "/it/b", "t")));
    // keyed by source, the two may sit on different partitions and be persisted apart: wait for both
    awaitFound(() -> get("/v1/events/" + id + "?source=/it/a"));
    awaitFound(() -> get("/v1/events/" + id + "?source=/it/b"));

    HttpResponse<Buffer> response = get("/v1/events/" + id);

    JsonObject problem = assertProblem(response, 409, "urn:surge:problem:ambiguous-id");
    assertEquals(new JsonArray().add("/it/a").add("/it/b"), problem.getJsonArray("sources"));
  }

  @Test
  void anUnknownEventIs404() {
    assertProblem(get("/v1/events/nope-" + uniqueId() + "?source=/x"), 404, "urn:surge:problem:not-found");
    assertProblem(get("/v1/events/nope-" + uniqueId()), 404, "urn:surge:problem:not-found");
    assertProblem(get("/v1/subjects/nobody-" + uniqueId() + "/latest"), 404, "urn:surge:problem:not-found");
  }

  @Test
  void binaryAndStructuredRecordsFromAPlainProducerArePersisted() throws Exception {
    String binaryId = uniqueId();
    String structuredId = uniqueId();
    ProducerRecord<byte[], byte[]> binary = new ProducerRecord<>(ingress, null, bytes("k"), bytes("{\"v\":1}"), List.of(
        header("ce_specversion", "1.0"), header("ce_id", binaryId), header("ce_source", "/it/kafka"),
        header("ce_type", "com.example.kafka"), header("content-type", "application/json")));
    ProducerRecord<byte[], byte[]> structured = new ProducerRecord<>(ingress, null, bytes("k"),
        event(structuredId, "/it/kafka", "com.example.kafka").put("data", "text").encode().getBytes(StandardCharsets.UTF_8),
        List.of(header("content-type", "application/cloudevents+json; charset=utf-8")));
    producer.send(binary).get();
    producer.send(structured).get();

    JsonObject b = awaitFound(() -> get("/v1/events/" + binaryId + "?source=/it/kafka")).bodyAsJsonObject();
    assertEquals(new JsonObject().put("v", 1), b.getJsonObject("data"));
    JsonObject s = awaitFound(() -> get("/v1/events/" + structuredId + "?source=/it/kafka")).bodyAsJsonObject();
    assertEquals("text", s.getString("data"));
    assertEquals("com.example.kafka", s.getString("type"));
  }

  @Test
  void aRawTopicRecordBecomesAnEvent() throws Exception {
    var metadata = producer.send(new ProducerRecord<>(rawTopic, bytes("device-9"), bytes("{\"temp\":21}"))).get();

    String id = metadata.partition() + "-" + metadata.offset();
    JsonObject e = awaitFound(() -> get("/v1/events/" + id + "?source=kafka://" + rawTopic)).bodyAsJsonObject();
    assertEquals("com.example.legacy", e.getString("type"));
    assertEquals("device-9", e.getString("subject"));
    assertEquals(new JsonObject().put("temp", 21), e.getJsonObject("data"));
    assertEquals(java.time.Instant.ofEpochMilli(metadata.timestamp()).toString(), e.getString("time"));
  }

  @Test
  void garbageAndInvalidRecordsGoToTheDlqAndThePartitionKeepsFlowing() throws Exception {
    String dlq = config.pipeline().dlqTopic();
    byte[] key = bytes("poison-" + uniqueId()); // one key: every record lands on the same partition
    var garbage = producer.send(new ProducerRecord<>(ingress, null, key, bytes("not an event"),
        List.of(header("x-trace", "abc")))).get();
    var invalid = producer.send(new ProducerRecord<>(ingress, null, key, bytes("{}"), List.of(
        header("ce_specversion", "1.0"), header("ce_id", ""), header("ce_source", "/it/bad"), header("ce_type", "t")))).get();
    String goodId = uniqueId();
    producer.send(new ProducerRecord<>(ingress, null, key, bytes("1"), List.of(header("ce_specversion", "1.0"),
        header("ce_id", goodId), header("ce_source", "/it/after-poison"), header("ce_type", "t")))).get();

    awaitFound(() -> get("/v1/events/" + goodId + "?source=/it/after-poison"));
    try (TopicReader reader = new TopicReader(KafkaEngine.bootstrap(), dlq)) {
      List<ConsumerRecord<byte[], byte[]>> dead = reader.read(2, Duration.ofSeconds(20));
      ConsumerRecord<byte[], byte[]> first = dead.stream()
          .filter(r -> headers(r).get(DeadLetters.OFFSET).equals(Long.toString(garbage.offset()))).findFirst().orElseThrow();
      Map<String, String> h = headers(first);
      assertEquals("not an event", new String(first.value(), StandardCharsets.UTF_8));
      assertEquals(new String(key, StandardCharsets.UTF_8), new String(first.key(), StandardCharsets.UTF_8));
      assertEquals("abc", h.get("x-trace"));
      assertEquals(ingress, h.get(DeadLetters.TOPIC));
      assertEquals(Integer.toString(garbage.partition()), h.get(DeadLetters.PARTITION));
      assertTrue(h.get(DeadLetters.REASON).startsWith("not a CloudEvent"), h.get(DeadLetters.REASON));
      ConsumerRecord<byte[], byte[]> second = dead.stream()
          .filter(r -> headers(r).get(DeadLetters.OFFSET).equals(Long.toString(invalid.offset()))).findFirst().orElseThrow();
      assertTrue(headers(second).get(DeadLetters.REASON).contains("id"), headers(second).get(DeadLetters.REASON));
    }
  }

  @Test
  void theSameEventOverHttpAndKafkaIsOneRow() throws Exception {
    String id = uniqueId();
    JsonObject event = event(id, "/it/dup", "t").put("data", 1);
    assertEquals(202, post(event).statusCode());
    assertEquals(202, post(event).statusCode());
    producer.send(new ProducerRecord<>(ingress, null, (byte[]) null, event.encode().getBytes(StandardCharsets.UTF_8),
        List.of(header("content-type", "application/cloudevents+json")))).get();
    String marker = uniqueId(); // sent last on the ingress topic's same partition: once it is in, so is the duplicate
    producer.send(new ProducerRecord<>(ingress, null, (byte[]) null, event(marker, "/it/dup", "t").encode().getBytes(StandardCharsets.UTF_8),
        List.of(header("content-type", "application/cloudevents+json")))).get();
    awaitFound(() -> get("/v1/events/" + marker + "?source=/it/dup"));
    awaitFound(() -> get("/v1/events/" + id + "?source=/it/dup"));

    long rows = db.preparedQuery("SELECT count(*) FROM events WHERE source = $1 AND id = $2")
        .execute(Tuple.of("/it/dup", id)).await().iterator().next().getLong(0);
    assertEquals(1, rows);
  }

  @Test
  void listingFiltersPagesNewestFirstAndRejectsBadParameters() {
    String subject = "list-" + uniqueId();
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 7; i++) {
      batch.add(event("e" + i, "/it/list", i % 2 == 0 ? "even" : "odd").put("subject", subject)
          .put("time", "2026-11-28T10:00:0" + i + "Z"));
    }
    assertEquals(202, post(batch).statusCode());
    awaitFound(() -> get("/v1/events/e6?source=/it/list"));

    JsonObject page1 = get("/v1/events?subject=" + subject + "&limit=3").bodyAsJsonObject();
    assertEquals(List.of("e6", "e5", "e4"), ids(page1));
    JsonObject page2 = get("/v1/events?subject=" + subject + "&limit=3&cursor=" + page1.getString("nextCursor")).bodyAsJsonObject();
    assertEquals(List.of("e3", "e2", "e1"), ids(page2));
    JsonObject page3 = get("/v1/events?subject=" + subject + "&limit=3&cursor=" + page2.getString("nextCursor")).bodyAsJsonObject();
    assertEquals(List.of("e0"), ids(page3));
    assertNull(page3.getString("nextCursor"));

    assertEquals(List.of("e6", "e4", "e2", "e0"), ids(get("/v1/events?subject=" + subject + "&type=even").bodyAsJsonObject()));
    assertEquals(List.of("e4", "e3"), ids(get("/v1/events?subject=" + subject
        + "&from=2026-11-28T10:00:03Z&to=2026-11-28T10:00:05Z").bodyAsJsonObject()));

    assertProblem(get("/v1/events?limit=51"), 400, "urn:surge:problem:bad-parameter");
    assertProblem(get("/v1/events?limit=0"), 400, "urn:surge:problem:bad-parameter");
    assertProblem(get("/v1/events?limit=ten"), 400, "urn:surge:problem:bad-parameter");
    assertProblem(get("/v1/events?from=yesterday"), 400, "urn:surge:problem:bad-parameter");
    assertProblem(get("/v1/events?from=2026-11-28T10:00:05Z&to=2026-11-28T10:00:01Z"), 400, "urn:surge:problem:bad-parameter");
    assertProblem(get("/v1/events?cursor=%%%"), 400, "urn:surge:problem:malformed-request");
    assertProblem(get("/v1/events?cursor=bm9wZQ"), 400, "urn:surge:problem:bad-parameter");
    assertProblem(get("/v1/events?colour=red"), 400, "urn:surge:problem:bad-parameter");
    assertProblem(get("/v1/events?type=a&type=b"), 400, "urn:surge:problem:bad-parameter");
  }

  @Test
  void latestIsTheNewestBySubjectTimeNotByArrival() {
    String subject = "latest-" + uniqueId();
    post(event("new", "/it/latest", "t").put("subject", subject).put("time", "2026-11-28T12:00:00Z"));
    awaitFound(() -> get("/v1/events/new?source=/it/latest"));
    post(event("old", "/it/latest", "t").put("subject", subject).put("time", "2026-11-28T11:00:00Z"));
    awaitFound(() -> get("/v1/events/old?source=/it/latest"));

    HttpResponse<Buffer> latest = get("/v1/subjects/" + subject + "/latest");

    assertEquals(200, latest.statusCode());
    assertEquals("new", latest.bodyAsJsonObject().getString("id"));
  }

  @Test
  void statsCountPerMinuteAndType() {
    String type = "com.example.counted." + uniqueId();
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 5; i++) {
      batch.add(event(uniqueId(), "/it/stats", type));
    }
    post(batch);
    awaitFound(() -> get("/v1/events/" + batch.getJsonObject(4).getString("id") + "?source=/it/stats"));

    JsonObject stats = get("/v1/stats?type=" + type + "&interval=minute").bodyAsJsonObject();
    assertEquals(60, stats.getJsonArray("buckets").size());
    long total = stats.getJsonArray("buckets").stream().mapToLong(b -> ((JsonObject) b).getLong("count")).sum();
    assertEquals(5, total);
    JsonObject hourly = get("/v1/stats?type=" + type + "&interval=hour").bodyAsJsonObject();
    assertEquals(5, hourly.getJsonArray("buckets").stream().mapToLong(b -> ((JsonObject) b).getLong("count")).sum());

    assertProblem(get("/v1/stats?interval=week"), 400, "urn:surge:problem:bad-parameter");
    assertProblem(get("/v1/stats?from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z"), 400, "urn:surge:problem:bad-parameter");
  }

  @Test
  void waitPersistedAnswers201OnceTheEventIsInPostgres() {
    String id = uniqueId();
    HttpResponse<Buffer> response = client.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .putHeader("Prefer", "wait=persisted").sendBuffer(Buffer.buffer(event(id, "/it/wait", "t").encode())).await();

    assertEquals(201, response.statusCode());
    assertEquals("wait=persisted", response.getHeader("Preference-Applied"));
    assertEquals(Boolean.TRUE, response.bodyAsJsonObject().getBoolean("persisted"));
    // read-your-writes: no waiting here
    assertEquals(200, get("/v1/events/" + id + "?source=/it/wait").statusCode());
  }

  // --- helpers

  static JsonObject event(String id, String source, String type) {
    return new JsonObject().put("specversion", "1.0").put("id", id).put("source", source).put("type", type);
  }

  private static HttpResponse<Buffer> post(Object body) {
    String contentType = body instanceof JsonArray ? "application/cloudevents-batch+json" : "application/cloudevents+json";
    return client.post("/v1/events").putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body.toString())).await();
  }

  private static HttpResponse<Buffer> get(String uri) {
    return client.get(uri).send().await();
  }

  static HttpResponse<Buffer> awaitFound(Supplier<HttpResponse<Buffer>> request) {
    return io.surge.testing.Eventually.eventually(PERSISTED_WITHIN, () -> {
      HttpResponse<Buffer> response = request.get();
      assertEquals(200, response.statusCode(), response::bodyAsString);
      return response;
    });
  }

  private static List<String> ids(JsonObject page) {
    assertNotNull(page.getJsonArray("events"), page::encode);
    return page.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("id")).toList();
  }

  private static RecordHeader header(String name, String value) {
    return new RecordHeader(name, bytes(value));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String uniqueId() {
    return UUID.randomUUID().toString();
  }
}
