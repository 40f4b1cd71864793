package io.surge.cloudevents;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The Kafka binding in binary mode: ce_ headers as UTF-8 canonical strings, data as the value, a chosen key. */
class KafkaBindingTest {
  private static final String TOPIC = "events";

  @Test
  void everyAttributeBecomesAHeaderAndDataTheValue() {
    // given
    byte[] data = "{\"temp\":21.5}".getBytes(StandardCharsets.UTF_8);
    CloudEvent event = new CloudEvent("id-1", "/sensors/7", "1.0", "com.example.reading", "application/json",
        "https://example.com/schema", "room-12", "2024-01-01T10:00:00Z",
        extensions("count", 5, "urgent", true, "note", "caf\u00e9"), data);

    // when
    ProducerRecord<byte[], byte[]> record = KafkaBinding.toRecord(TOPIC, event);

    // then
    assertEquals(Map.ofEntries(
        Map.entry("ce_specversion", "1.0"),
        Map.entry("ce_id", "id-1"),
        Map.entry("ce_source", "/sensors/7"),
        Map.entry("ce_type", "com.example.reading"),
        Map.entry("content-type", "application/json"),
        Map.entry("ce_dataschema", "https://example.com/schema"),
        Map.entry("ce_subject", "room-12"),
        Map.entry("ce_time", "2024-01-01T10:00:00Z"),
        Map.entry("ce_count", "5"),
        Map.entry("ce_urgent", "true"),
        Map.entry("ce_note", "caf\u00e9")), headers(record));
    assertEquals(TOPIC, record.topic());
    assertArrayEquals(data, record.value());
  }

  @Test
  void absentOptionalAttributesHaveNoHeaders() {
    ProducerRecord<byte[], byte[]> record = KafkaBinding.toRecord(TOPIC, event(null, Map.of(), null));

    assertEquals(Map.of("ce_specversion", "1.0", "ce_id", "id-1", "ce_source", "/src", "ce_type", "t"),
        headers(record));
  }

  @Test
  void eventWithoutDataHasNoValue() {
    assertNull(KafkaBinding.toRecord(TOPIC, event(null, Map.of(), null)).value());
  }

  @Test
  void keyIsThePartitionKeyFirst() {
    ProducerRecord<byte[], byte[]> record = KafkaBinding.toRecord(TOPIC,
        event("subject-1", Map.of("partitionkey", "pk-1"), null));

    assertEquals("pk-1", utf8(record.key()));
    assertEquals("pk-1", headers(record).get("ce_partitionkey"), "the key mapper must not remove the attribute");
  }

  @Test
  void keyIsTheSubjectWithoutAPartitionKey() {
    assertEquals("subject-1", utf8(KafkaBinding.toRecord(TOPIC, event("subject-1", Map.of(), null)).key()));
  }

  @Test
  void keyIsTheSourceWithoutPartitionKeyOrSubject() {
    assertEquals("/src", utf8(KafkaBinding.toRecord(TOPIC, event(null, Map.of(), null)).key()));
  }

  private static CloudEvent event(String subject, Map<String, Object> extensions, byte[] data) {
    return new CloudEvent("id-1", "/src", "1.0", "t", null, null, subject, null, extensions, data);
  }

  private static Map<String, Object> extensions(Object... namesAndValues) {
    Map<String, Object> extensions = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      extensions.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return extensions;
  }

  /** Header name to UTF-8 value; asserts each name appears once. */
  private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header header : record.headers()) {
      assertNull(headers.put(header.key(), utf8(header.value())), () -> "repeated header " + header.key());
    }
    return headers;
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
