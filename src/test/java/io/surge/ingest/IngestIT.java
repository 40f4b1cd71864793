package io.surge.ingest;

import io.surge.SurgeNode;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static io.surge.testing.Problem.assertProblem;
import static io.surge.testing.TopicReader.headers;
import static io.surge.testing.TopicReader.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** POST /v1/events in every content mode, read back from a real broker exactly as Kafka holds it. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class IngestIT {
  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_DECOMPRESSED = 256 * 1024;
  private static final int MAX_EVENT = 16 * 1024;
  private static final int MAX_BATCH = 50;

  private static String topic;
  private static SurgeNode node;
  private static WebClient client;
  private static TopicReader kafka;

  @BeforeAll
  static void start(Vertx vertx) {
    topic = TestSurge.uniqueTopic("ingest-it");
    node = TestSurge.start(KafkaEngine.bootstrap(), topic, Map.of(
        "SURGE_INGEST_MAX_BODY_BYTES", Integer.toString(MAX_BODY),
        "SURGE_INGEST_MAX_DECOMPRESSED_BYTES", Integer.toString(MAX_DECOMPRESSED),
        "SURGE_INGEST_MAX_EVENT_BYTES", Integer.toString(MAX_EVENT),
        "SURGE_INGEST_MAX_BATCH_EVENTS", Integer.toString(MAX_BATCH)));
    client = TestSurge.client(vertx, node.httpPort());
    kafka = new TopicReader(KafkaEngine.bootstrap(), topic);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    node.stop().await();
  }

  @Test
  void binaryModeMapsHeadersToKafkaHeadersAndBodyToValue() {
    String id = uniqueId();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("CE-SpecVersion", "1.0")
        .add("ce-id", id)
        .add("ce-source", "/sensors/7")
        .add("ce-type", "com.example.reading")
        .add("ce-subject", "room-12")
        .add("ce-time", "2026-11-28T10:15:30.123+01:00")
        .add("ce-comment", "Euro%20%E2%82%AC%20%F0%9F%98%80")
        .add("Content-Type", "text/plain; charset=utf-8");

    HttpResponse<Buffer> response = post(headers, Buffer.buffer("21.5 degrees"));

    ConsumerRecord<byte[], byte[]> record = acceptedRecord(response, 0, id);
    Map<String, String> kafkaHeaders = headers(record);
    assertEquals("1.0", kafkaHeaders.get("ce_specversion"));
    assertEquals(id, kafkaHeaders.get("ce_id"));
    assertEquals("/sensors/7", kafkaHeaders.get("ce_source"));
    assertEquals("com.example.reading", kafkaHeaders.get("ce_type"));
    assertEquals("2026-11-28T10:15:30.123+01:00", kafkaHeaders.get("ce_time"));
    assertEquals("Euro € 😀", kafkaHeaders.get("ce_comment"));
    assertEquals("text/plain; charset=utf-8", kafkaHeaders.get("content-type"));
    assertEquals("room-12", utf8(record.key()), "key falls back to the subject");
    assertEquals("21.5 degrees", utf8(record.value()));
  }

  @Test
  void binaryModeWithoutBodyWritesNoValue() {
    String id = uniqueId();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("ce-specversion", "1.0").add("ce-id", id).add("ce-source", "urn:x").add("ce-type", "t");

    ConsumerRecord<byte[], byte[]> record = acceptedRecord(post(headers, Buffer.buffer()), 0, id);

    assertNull(record.value());
    assertFalse(headers(record).containsKey("content-type"));
    assertEquals("urn:x", utf8(record.key()), "key falls back to the source");
  }

  @Test
  void structuredModeKeepsJsonDataBytesAndKeysByPartitionKey() {
    String id = uniqueId();
    String data = "{ \"temp\" : 21.5, \"tags\":[\"a\",\"b\"] }";
    String event = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"https://example.com/s\","
        + "\"type\":\"t\",\"subject\":\"sub\",\"partitionkey\":\"pk-1\",\"priority\":5,\"urgent\":true,"
        + "\"unset\":null,\"data\":" + data + "}";

    ConsumerRecord<byte[], byte[]> record = acceptedRecord(
        post("application/cloudevents+json; charset=UTF-8", Buffer.buffer(event)), 0, id);

    assertEquals(data, utf8(record.value()), "data is the exact JSON the client sent");
    assertEquals("pk-1", utf8(record.key()));
    Map<String, String> kafkaHeaders = headers(record);
    assertEquals("application/json", kafkaHeaders.get("content-type"), "absent datacontenttype means JSON");
    assertEquals("pk-1", kafkaHeaders.get("ce_partitionkey"), "the key mapper keeps the attribute");
    assertEquals("5", kafkaHeaders.get("ce_priority"));
    assertEquals("true", kafkaHeaders.get("ce_urgent"));
    assertFalse(kafkaHeaders.containsKey("ce_unset"), "null means absent");
  }

  @Test
  void structuredModeDecodesDataBase64() {
    String id = uniqueId();
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
    String event = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"s\",\"type\":\"t\","
        + "\"datacontenttype\":\"image/png\",\"data_base64\":\"" + Base64.getEncoder().encodeToString(png) + "\"}";

    ConsumerRecord<byte[], byte[]> record = acceptedRecord(
        post("application/cloudevents+json", Buffer.buffer(event)), 0, id);

    assertArrayEquals(png, record.value());
    assertEquals("image/png", headers(record).get("content-type"));
  }

  @Test
  void batchedModeAcceptsEveryEventInOrder() {
    List<String> ids = List.of(uniqueId(), uniqueId(), uniqueId());
    JsonArray batch = new JsonArray();
    ids.forEach(id -> batch.add(event(id).put("data", new JsonObject().put("n", id))));

    HttpResponse<Buffer> response = post("application/cloudevents-batch+json", batch.toBuffer());

    for (int i = 0; i < ids.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = acceptedRecord(response, i, ids.get(i));
      assertEquals(new JsonObject().put("n", ids.get(i)), new JsonObject(utf8(record.value())));
    }
  }

  @Test
  void emptyBatchIsAccepted() {
    HttpResponse<Buffer> response = post("application/cloudevents-batch+json", Buffer.buffer("[]"));

    assertEquals(202, response.statusCode());
    assertEquals(0, response.bodyAsJsonObject().getJsonArray("accepted").size());
  }

  @Test
  void plainJsonIsReadAsOneEventOrAnArray() {
    String single = uniqueId();
    acceptedRecord(post("application/json", event(single).toBuffer()), 0, single);

    String first = uniqueId();
    String second = uniqueId();
    HttpResponse<Buffer> response = post("application/json", new JsonArray().add(event(first)).add(event(second)).toBuffer());
    acceptedRecord(response, 0, first);
    acceptedRecord(response, 1, second);
  }

  @Test
  void gzipBodiesAreInflated() throws IOException {
    String id = uniqueId();
    byte[] body = gzip(event(id).put("data", "compressed").toBuffer().getBytes());

    ConsumerRecord<byte[], byte[]> record = acceptedRecord(
        post(MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/cloudevents+json")
            .add("Content-Encoding", "gzip"), Buffer.buffer(body)), 0, id);

    assertEquals("\"compressed\"", utf8(record.value()));
  }

  @Test
  void gzipBombIsRejectedWith413() throws IOException {
    byte[] bomb = gzip(new byte[MAX_DECOMPRESSED * 8]);
    long before = kafka.totalRecords(topic);

    HttpResponse<Buffer> response = post(MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/cloudevents+json").add("Content-Encoding", "gzip"), Buffer.buffer(bomb));

    assertProblem(response, 413, "too-large");
    assertEquals(before, kafka.totalRecords(topic));
  }

  @Test
  void corruptGzipIs400() {
    HttpResponse<Buffer> response = post(MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/cloudevents+json").add("Content-Encoding", "gzip"), Buffer.buffer("not gzip"));

    assertProblem(response, 400, "malformed-request");
  }

  @Test
  void unknownContentEncodingIs415() {
    HttpResponse<Buffer> response = post(MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/cloudevents+json").add("Content-Encoding", "br"), event(uniqueId()).toBuffer());

    assertProblem(response, 415, "unsupported-media-type");
  }

  @Test
  void bodyOverTheLimitIs413() {
    HttpResponse<Buffer> response = post("application/cloudevents+json", Buffer.buffer(new byte[MAX_BODY + 1]));

    assertProblem(response, 413, "too-large");
  }

  @Test
  void eventOverTheLimitIs413() {
    String id = uniqueId();
    HttpResponse<Buffer> response = post("application/cloudevents+json",
        event(id).put("data", "x".repeat(MAX_EVENT)).toBuffer());

    JsonObject problem = assertProblem(response, 413, "too-large");
    assertEquals(true, problem.getString("detail").contains(id));
  }

  @Test
  void batchOverTheLimitIs413() {
    JsonArray batch = new JsonArray();
    for (int i = 0; i <= MAX_BATCH; i++) {
      batch.add(event(uniqueId()));
    }

    assertProblem(post("application/cloudevents-batch+json", batch.toBuffer()), 413, "too-large");
  }

  @Test
  void invalidBatchListsEveryBadEventAndWritesNothing() {
    long before = kafka.totalRecords(topic);
    JsonArray batch = new JsonArray()
        .add(event(uniqueId()))
        .add(event(uniqueId()).put("time", "lunchtime"))
        .add(event(uniqueId()))
        .add(event(uniqueId()).put("specversion", "0.3").put("Bad_Name", "x"))
        .add("not an object");

    JsonObject problem = assertProblem(post("application/cloudevents-batch+json", batch.toBuffer()), 400, "invalid-event");

    JsonArray errors = problem.getJsonArray("errors");
    assertEquals(List.of(1, 3, 4), errors.stream().map(e -> ((JsonObject) e).getInteger("index")).toList());
    assertEquals(2, errors.getJsonObject(1).getJsonArray("reasons").size(), "every reason of one event is listed");
    assertEquals(before, kafka.totalRecords(topic), "an invalid batch writes nothing");
  }

  @Test
  void malformedJsonIs400() {
    assertProblem(post("application/cloudevents+json", Buffer.buffer("{\"id\": ")), 400, "malformed-request");
    assertProblem(post("application/cloudevents+json", Buffer.buffer("[]")), 400, "malformed-request");
  }

  @Test
  void unsupportedContentTypesAre415() {
    assertProblem(post("text/plain", Buffer.buffer("hello")), 415, "unsupported-media-type");
    assertProblem(post("application/cloudevents+avro", Buffer.buffer("x")), 415, "unsupported-media-type");
    assertProblem(post("application/json; charset=latin1", event(uniqueId()).toBuffer()), 415, "unsupported-media-type");
    assertProblem(client.post("/v1/events").sendBuffer(Buffer.buffer("x")).await(), 415, "unsupported-media-type");
  }

  @Test
  void unknownRoutesAndMethodsAnswerProblems() {
    assertProblem(client.get("/nope").send().await(), 404, "not-found");
    assertProblem(client.delete("/v1/events").send().await(), 405, "method-not-allowed");
  }

  @Test
  void healthReportsLiveAndReady() {
    HttpResponse<Buffer> live = client.get("/health/live").send().await();
    HttpResponse<Buffer> ready = client.get("/health/ready").send().await();

    assertEquals(200, live.statusCode());
    assertEquals(200, ready.statusCode(), ready::bodyAsString);
    assertEquals("UP", ready.bodyAsJsonObject().getJsonObject("checks").getString("kafka"));
  }

  private static HttpResponse<Buffer> post(String contentType, Buffer body) {
    return post(MultiMap.caseInsensitiveMultiMap().add("Content-Type", contentType), body);
  }

  private static HttpResponse<Buffer> post(MultiMap headers, Buffer body) {
    return client.post("/v1/events").putHeaders(headers).sendBuffer(body).await();
  }

  /** Asserts a 202 that accepted {@code id} at {@code index} and returns the Kafka record it names. */
  private static ConsumerRecord<byte[], byte[]> acceptedRecord(HttpResponse<Buffer> response, int index, String id) {
    assertEquals(202, response.statusCode(), response::bodyAsString);
    JsonObject accepted = response.bodyAsJsonObject().getJsonArray("accepted").getJsonObject(index);
    assertEquals(id, accepted.getString("id"));
    ConsumerRecord<byte[], byte[]> record = kafka.at(topic, accepted.getInteger("partition"), accepted.getLong("offset"));
    assertEquals(id, headers(record).get("ce_id"));
    return record;
  }

  private static JsonObject event(String id) {
    return new JsonObject().put("specversion", "1.0").put("id", id).put("source", "/it").put("type", "com.example.it");
  }

  private static String uniqueId() {
    return UUID.randomUUID().toString();
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }
}
