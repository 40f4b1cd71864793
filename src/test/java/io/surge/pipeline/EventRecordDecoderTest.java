package io.surge.pipeline;

import io.surge.cloudevents.DataForm;
import io.surge.cloudevents.EventLimits;
import io.surge.config.SurgeConfig.IngressTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class EventRecordDecoderTest {
  private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 11, 28, 12, 0, 0, 0, ZoneOffset.UTC);
  private final EventRecordDecoder decoder = new EventRecordDecoder(
      Map.of("legacy", new IngressTopic("legacy", true, "com.example.legacy", null),
          "partner", new IngressTopic("partner", false, null, "acme")), 16, EventLimits.DEFAULTS);

  @Test
  void binaryModeReadsCeHeadersAndContentType() {
    StoredEvent e = decoder.decode(record("events", "k", "{\"a\":1}", "ce_specversion", "1.0", "ce_id", "1",
        "ce_source", "/s", "ce_type", "t", "ce_subject", "sub", "ce_time", "2026-11-28T10:00:00Z",
        "ce_tracelevel", "3", "content-type", "application/json"), NOW).event();

    assertEquals("1", e.event().id());
    assertEquals("sub", e.event().subject());
    assertEquals("3", e.event().extension("tracelevel"));
    assertEquals("application/json", e.event().datacontenttype());
    assertEquals(DataForm.JSONB, e.dataForm());
    assertEquals(OffsetDateTime.parse("2026-11-28T10:00:00Z"), e.ts());
    assertEquals(StoredEvent.DEFAULT_TENANT, e.tenant());
  }

  @Test
  void structuredModeReadsTheWholeEventFromTheValue() {
    StoredEvent e = decoder.decode(record("events", null,
        "{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\",\"data\":[1,2]}",
        "content-type", "application/cloudevents+json; charset=utf-8"), NOW).event();

    assertEquals("2", e.event().id());
    assertArrayEquals("[1,2]".getBytes(StandardCharsets.UTF_8), e.event().data());
    assertEquals(DataForm.JSONB, e.dataForm());
    assertEquals(NOW, e.ts(), "without a time attribute, ts is when Surge received it");
  }

  @Test
  void jsonContentTypeWithInvalidJsonIsKeptAsBytes() {
    StoredEvent e = decoder.decode(record("events", null, "{not json", "ce_specversion", "1.0", "ce_id", "1",
        "ce_source", "/s", "ce_type", "t", "content-type", "application/json"), NOW).event();

    assertNotEquals(DataForm.JSONB, e.dataForm());
  }

  @Test
  void aRawTopicTurnsAnyRecordIntoAnEvent() {
    StoredEvent e = decoder.decode(record("legacy", "device-1", "{\"t\":21}"), NOW).event();

    assertEquals("kafka://legacy", e.event().source());
    assertEquals("0-42", e.event().id());
    assertEquals("com.example.legacy", e.event().type());
    assertEquals("device-1", e.event().subject());
    assertEquals("2026-11-28T10:00:00Z", e.event().time());
    assertEquals("application/json", e.event().datacontenttype());
    assertEquals(DataForm.JSONB, e.dataForm());
  }

  @Test
  void aRawRecordThatIsNotJsonIsOctetStream() {
    StoredEvent e = decoder.decode(record("legacy", null, "plain text"), NOW).event();

    assertEquals("application/octet-stream", e.event().datacontenttype());
    assertNull(e.event().subject());
    assertNotEquals(DataForm.JSONB, e.dataForm());
  }

  @Test
  void theTenantComesFromTheHeaderOrTheTopic() {
    String[] ce = {"ce_specversion", "1.0", "ce_id", "1", "ce_source", "/s", "ce_type", "t"};
    assertEquals("default", decoder.decode(record("events", null, "x", ce), NOW).event().tenant());
    assertEquals("globex", decoder.decode(record("events", null, "x", with(ce, "surge_tenant", "globex")), NOW).event().tenant());
    assertEquals("acme", decoder.decode(record("partner", null, "x", ce), NOW).event().tenant());
    assertEquals("acme", decoder.decode(record("partner", null, "x", with(ce, "surge_tenant", "acme")), NOW).event().tenant());
    assertTrue(reject(record("partner", null, "x", with(ce, "surge_tenant", "globex")))
        .contains("belongs to tenant 'acme'"));
    assertTrue(reject(record("events", null, "x", with(ce, "surge_tenant", "Not A Tenant"))).contains("tenant"));
  }

  private static String[] with(String[] headers, String name, String value) {
    String[] out = java.util.Arrays.copyOf(headers, headers.length + 2);
    out[headers.length] = name;
    out[headers.length + 1] = value;
    return out;
  }

  @Test
  void rejectionsSayWhy() {
    assertTrue(reject(record("events", null, "hello")).startsWith("not a CloudEvent"));
    assertTrue(reject(record("events", null, "{}", "ce_specversion", "1.0", "ce_id", "1", "ce_source", "/s"))
        .contains("type"));
    assertTrue(reject(record("events", null, "{}", "ce_specversion", "0.3", "ce_id", "1", "ce_source", "/s",
        "ce_type", "t")).contains("specversion"));
    assertTrue(reject(record("events", null, "{\"id\":", "content-type", "application/cloudevents+json"))
        .startsWith("invalid CloudEvent"));
    assertTrue(reject(record("events", null, "x", "ce_specversion", "1.0", "ce_id", "1", "ce_source", "/s",
        "ce_type", "t", "ce_time", "lunchtime")).contains("time"));
    ConsumerRecord<byte[], byte[]> badUtf8 = record("events", null, "x", "ce_specversion", "1.0", "ce_source", "/s",
        "ce_type", "t");
    badUtf8.headers().add(new RecordHeader("ce_id", new byte[] {(byte) 0xc3, (byte) 0x28}));
    assertTrue(reject(badUtf8).contains("UTF-8"));
  }

  private String reject(ConsumerRecord<byte[], byte[]> record) {
    EventRecordDecoder.Decoded d = decoder.decode(record, NOW);
    assertNull(d.event());
    return d.rejection();
  }

  private static ConsumerRecord<byte[], byte[]> record(String topic, String key, String value, String... headers) {
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return new ConsumerRecord<>(topic, 0, 42, OffsetDateTime.parse("2026-11-28T10:00:00Z").toInstant().toEpochMilli(),
        TimestampType.CREATE_TIME, -1, -1, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8), h, Optional.empty());
  }
}
