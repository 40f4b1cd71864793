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
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.surge.pipeline.PipelineIT.awaitFound;
import static io.surge.pipeline.PipelineIT.event;
import static io.surge.pipeline.PipelineIT.uniqueId;
import static io.surge.testing.Eventually.eventually;
import static io.surge.testing.Problem.assertProblem;
import static io.surge.testing.TopicReader.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is accepted can be stored, and comes back as it was sent; what Postgres refuses all the same is found,
 * dead-lettered with its SQLSTATE, and the rest of its batch persisted.
 */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class StorableEventsIT {
  private static final String POISON_TYPE = "com.example.poison";

  private static SurgeConfig config;
  private static SurgeNode node;
  private static WebClient client;
  private static KafkaProducer<byte[], byte[]> producer;
  private static Pool db;
  private static String ingress;

  @BeforeAll
  static void start(Vertx vertx) {
    String topic = TestSurge.uniqueTopic("storable-it");
    ingress = topic + ".in";
    KafkaEngine.createTopics(3, ingress);
    config = TestSurge.config(KafkaEngine.bootstrap(), topic, Map.of(
        "SURGE_ROLES", "ingest,worker,query",
        "SURGE_PIPELINE_INGRESS_TOPICS", ingress));
    node = SurgeNode.start(config).await();
    client = TestSurge.client(vertx, node.httpPort());
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaEngine.bootstrap()),
        new ByteArraySerializer(), new ByteArraySerializer());
    db = Postgres.pool(vertx, config.pg().url(), 2);
    // a refusal the edge cannot know about, standing in for any data error Postgres raises on one row
    db.query("ALTER TABLE events ADD CONSTRAINT poison_test CHECK (type <> '" + POISON_TYPE + "')").execute().await();
  }

  @AfterAll
  static void stop() {
    producer.close();
    db.close().await();
    node.stop().await();
  }

  @Test
  void aRowPostgresRefusesIsDeadLetteredAloneAndTheRestOfItsBatchIsPersisted() {
    // given one request whose events share a subject (one partition, one worker batch), one of them poison
    String subject = "poison-" + uniqueId();
    JsonArray batch = new JsonArray();
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = uniqueId();
      ids.add(id);
      batch.add(event(id, "/it/poison", i == 7 ? POISON_TYPE : "com.example.fine").put("subject", subject));
    }
    assertEquals(202, client.post("/v1/events").putHeader("Content-Type", "application/cloudevents-batch+json")
        .sendBuffer(Buffer.buffer(batch.encode())).await().statusCode());

    // then the poison is in the DLQ with Postgres's reason, and every other event is in Postgres
    try (TopicReader dlq = new TopicReader(KafkaEngine.bootstrap(), config.pipeline().dlqTopic())) {
      ConsumerRecord<byte[], byte[]> dead = dlq.read(1, Duration.ofSeconds(30)).stream()
          .filter(r -> new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8).equals(ids.get(7)))
          .findFirst().orElseThrow(() -> new AssertionError("the poison record never reached the DLQ"));
      Map<String, String> h = headers(dead);
      assertEquals("23514", h.get(DeadLetters.SQLSTATE));
      assertTrue(h.get(DeadLetters.REASON).contains("poison_test"), h.get(DeadLetters.REASON));
    }
    eventually(() -> assertEquals(19, countRows(ids)));
    assertEquals(0, countRows(List.of(ids.get(7))));

    // and the partition moved on: a later event of the same subject is persisted, every worker alive
    String later = uniqueId();
    assertEquals(202, postStructured(event(later, "/it/poison", "com.example.fine").put("subject", subject)).statusCode());
    eventually(() -> assertEquals(1, countRows(List.of(later))));
    assertTrue(node.workers().stream().allMatch(WorkerStatus::alive));
  }

  @Test
  void offsetsBeyondEighteenHoursArePersistedAtTheirInstantAndQueryable() {
    String id = uniqueId();
    String subject = "offset-" + id;
    assertEquals(202, postStructured(event(id, "/it/offset", "t").put("subject", subject)
        .put("time", "2026-01-01T00:00:00+19:00")).statusCode());

    JsonObject found = awaitFound(() -> get("/v1/events/" + id + "?source=/it/offset")).bodyAsJsonObject();
    assertEquals("2026-01-01T00:00:00+19:00", found.getString("time"));
    OffsetDateTime ts = db.preparedQuery("SELECT ts FROM events WHERE id = $1").execute(Tuple.of(id)).await()
        .iterator().next().getOffsetDateTime(0);
    assertEquals(OffsetDateTime.parse("2025-12-31T05:00:00Z").toInstant(), ts.toInstant());

    HttpResponse<Buffer> page = get("/v1/events?subject=" + subject + "&from=2025-12-31T23:59:00%2B19:00&to=2026-01-01T00:00:00-23:59");
    assertEquals(200, page.statusCode(), page::bodyAsString);
    assertEquals(1, page.bodyAsJsonObject().getJsonArray("events").size());
    HttpResponse<Buffer> stats = get("/v1/stats?interval=hour&from=2026-12-01T00:00:00%2B23:59&to=2026-12-01T01:00:00-23:59");
    assertEquals(200, stats.statusCode(), stats::bodyAsString);
  }

  @Test
  void anAttributeOverItsLimitIsA400NamingIt() {
    JsonObject body = assertProblem(postStructured(event(uniqueId(), "/it/limits", "t").put("subject", "s".repeat(6000))),
        400, "invalid-event");
    assertTrue(body.encode().contains("'subject' is 6000 bytes"), body::encode);
  }

  @Test
  void overlongUtf8InABodyIsA400NotAnotherEvent() {
    String id = uniqueId();
    byte[] bytes = event(id, "/it/PLACEHOLDER", "t").encode().getBytes(StandardCharsets.UTF_8);
    String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("/PLACEHOLDER", "/\u00c0\u00afx");
    HttpResponse<Buffer> response = client.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .sendBuffer(Buffer.buffer(text.getBytes(StandardCharsets.ISO_8859_1))).await();

    JsonObject problem = assertProblem(response, 400, "malformed-request");
    assertTrue(problem.getString("detail").contains("UTF-8"), problem::encode);
  }

  @Test
  void aLongSubjectOnAKafkaIngressTopicIsDeadLetteredWithTheReason() throws Exception {
    String id = uniqueId();
    String subject = randomText(6000); // incompressible, as a real one would be
    var sent = producer.send(new ProducerRecord<byte[], byte[]>(ingress, (Integer) null, (byte[]) null, "{}".getBytes(StandardCharsets.UTF_8), List.of(
        header("ce_specversion", "1.0"), header("ce_id", id), header("ce_source", "/it/kafka-limits"),
        header("ce_type", "t"), header("ce_subject", subject)))).get();

    try (TopicReader dlq = new TopicReader(KafkaEngine.bootstrap(), config.pipeline().dlqTopic())) {
      ConsumerRecord<byte[], byte[]> dead = dlq.read(1, Duration.ofSeconds(30)).stream()
          .filter(r -> headers(r).get(DeadLetters.OFFSET).equals(Long.toString(sent.offset()))
              && headers(r).get(DeadLetters.TOPIC).equals(ingress))
          .findFirst().orElseThrow(() -> new AssertionError("never dead-lettered"));
      assertTrue(headers(dead).get(DeadLetters.REASON).contains("'subject' is 6000 bytes"), headers(dead).get(DeadLetters.REASON));
    }
  }

  /** Each content mode and data kind comes back as it was sent: JSON as a value, text as a string, bytes as Base64. */
  @Test
  void whatComesBackIsWhatWasSent() {
    // structured mode
    assertStructuredRoundTrip(new JsonObject().put("datacontenttype", "text/plain").put("data", "caf\u00e9 \"quoted\""),
        "data", "caf\u00e9 \"quoted\"");
    assertRawDataRoundTrip("application/json", "{\"n\":1e1000000,\"m\":1e-1000000}");
    assertRawDataRoundTrip("application/json", "[\"\\ud800\",\"\\u0000\"]");
    assertRawDataRoundTrip("application/json", "{\"a\":[1,2,{\"b\":null}]}");

    // binary mode
    assertBinaryRoundTrip("text/plain; charset=utf-8", "h\u00e9llo".getBytes(StandardCharsets.UTF_8), "data", "h\u00e9llo");
    assertBinaryRoundTrip("application/xml", "<a>1</a>".getBytes(StandardCharsets.UTF_8), "data", "<a>1</a>");
    assertBinaryRoundTrip("application/octet-stream", new byte[] {0, 1, (byte) 0xff}, "data_base64", "AAH/");
    assertBinaryRoundTrip("text/plain", new byte[] {'a', (byte) 0xff}, "data_base64", "Yf8=");
    String id = assertBinaryRoundTrip("application/json", "{\"a\":\"\\udc00\"}".getBytes(StandardCharsets.UTF_8), null, null);
    assertEquals("{\"a\":\"\\udc00\"}", rawData(get("/v1/events/" + id + "?source=/it/roundtrip").bodyAsString()));
  }

  private void assertStructuredRoundTrip(JsonObject members, String field, String expected) {
    String id = uniqueId();
    JsonObject sent = event(id, "/it/roundtrip", "t").mergeIn(members);
    assertEquals(202, postStructured(sent).statusCode());
    JsonObject back = awaitFound(() -> get("/v1/events/" + id + "?source=/it/roundtrip")).bodyAsJsonObject();
    assertEquals(expected, back.getString(field), back::encode);
    assertFalse(field.equals("data") && back.containsKey("data_base64"), back::encode);
  }

  /** JSON data sent as text, read back as text: the same value (jsonb would have normalised or refused it). */
  private void assertRawDataRoundTrip(String contentType, String json) {
    String id = uniqueId();
    String body = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/it/roundtrip\",\"type\":\"t\","
        + "\"datacontenttype\":\"" + contentType + "\",\"data\":" + json + "}";
    assertEquals(202, client.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .sendBuffer(Buffer.buffer(body)).await().statusCode());
    String back = awaitFound(() -> get("/v1/events/" + id + "?source=/it/roundtrip")).bodyAsString();
    assertEquals(json.replace(" ", ""), rawData(back).replace(" ", ""), back);
  }

  private String assertBinaryRoundTrip(String contentType, byte[] data, String field, String expected) {
    String id = uniqueId();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("ce-specversion", "1.0").add("ce-id", id)
        .add("ce-source", "/it/roundtrip").add("ce-type", "t").add("Content-Type", contentType);
    assertEquals(202, client.post("/v1/events").putHeaders(headers).sendBuffer(Buffer.buffer(data)).await().statusCode());
    JsonObject back = awaitFound(() -> get("/v1/events/" + id + "?source=/it/roundtrip")).bodyAsJsonObject();
    if (field != null) {
      assertEquals(expected, back.getString(field), back::encode);
      assertNull(back.getValue(field.equals("data") ? "data_base64" : "data"), back::encode);
    }
    return id;
  }

  /** The text of the {@code data} member of a structured event as written (the last member). */
  private static String rawData(String structured) {
    int at = structured.indexOf(",\"data\":");
    assertTrue(at > 0, structured);
    return structured.substring(at + 8, structured.length() - 1);
  }

  private static long countRows(List<String> ids) {
    return db.preparedQuery("SELECT count(*) FROM events WHERE id = ANY($1)").execute(Tuple.of(ids.toArray(String[]::new)))
        .await().iterator().next().getLong(0);
  }

  private static HttpResponse<Buffer> postStructured(JsonObject event) {
    return client.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .sendBuffer(Buffer.buffer(event.encode())).await();
  }

  private static HttpResponse<Buffer> get(String uri) {
    return client.get(uri).send().await();
  }

  private static RecordHeader header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String randomText(int length) {
    Random random = new Random(42);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }
}
