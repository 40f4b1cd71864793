package io.surge.pipeline;

import io.surge.cloudevents.JsonData;
import io.surge.cloudevents.Rfc3339;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline's small pure parts: watermark payloads, jsonb eligibility, RFC 3339 instants. */
class SmallPartsTest {
  @Test
  void watermarksRoundTripForTheirTopicOnly() {
    Map<Integer, Long> offsets = new TreeMap<>(Map.of(0, 12L, 5, 7L));
    String payload = PersistedWatermark.format("surge.events", offsets);

    assertEquals("surge.events 0:12,5:7", payload);
    assertEquals(offsets, PersistedWatermark.parse(payload, "surge.events"));
    assertTrue(PersistedWatermark.parse(payload, "other").isEmpty());
    assertTrue(PersistedWatermark.parse("garbage", "surge.events").isEmpty());
    assertEquals(Map.of(1, 3L), PersistedWatermark.parse("surge.events 1:3,x:y,2", "surge.events"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "[1,2]", "\"s\"", "12.5", "true", "null", " {\"a\": {\"b\": [null]}} "})
  void jsonValuesAreJsonb(String json) {
    assertTrue(JsonData.isJsonb(json.getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{} {}", "[1,]", "nope", "\"\\u0000\"", "{\"a\":\"x\\u0000y\"}"})
  void notJsonOrNulIsNotJsonb(String json) {
    assertFalse(JsonData.isJsonb(json.getBytes(StandardCharsets.UTF_8)));
  }

  /** JSON that jsonb refuses (checked with psql 15), or past the margin kept for every server (1e1001): kept as bytes. */
  @ParameterizedTest
  @ValueSource(strings = {"1e1000000", "1e-1000000", "0e-1000000", "[1e131072]", "1.5e-16383", "1e1001",
      "\"\\ud800\"", "{\"a\":\"\\udc00\"}", "\"\\ud83d\\u0041\"", "{\"\\u0000\":1}"})
  void jsonThatJsonbRefusesIsJsonButNotJsonb(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    assertTrue(JsonData.isJson(bytes));
    assertFalse(JsonData.isJsonb(bytes));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e1000", "1e-1000", "-0", "1E+5", "0e1000", "\"\\ud83d\\ude00\"", "\"\\uD83D\\uDE00\""})
  void jsonbTakesNumbersInRangeAndSurrogatePairs(String json) {
    assertTrue(JsonData.isJsonb(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void overlongOrSurrogateUtf8IsNotJson() {
    assertFalse(JsonData.isJson(new byte[] {'"', (byte) 0xc0, (byte) 0xaf, '"'}));
    assertFalse(JsonData.isJson(new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}));
    assertTrue(JsonData.isJson("\"\u00e9\ud83d\ude00\"".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rfc3339InstantsIncludingLeapSecondsAndLowercase() {
    assertEquals(OffsetDateTime.parse("2026-11-28T10:00:00.123456789+01:00").toInstant(), Rfc3339.parse("2026-11-28T10:00:00.123456789+01:00").toInstant());
    assertEquals(OffsetDateTime.parse("2016-12-31T23:59:59Z").plusSeconds(1).toInstant(), Rfc3339.parse("2016-12-31T23:59:60Z").toInstant());
    assertEquals(OffsetDateTime.parse("2026-11-28T10:00:00Z").toInstant(), Rfc3339.parse("2026-11-28t10:00:00z").toInstant());
    assertEquals(OffsetDateTime.parse("2026-11-28T10:00:00.5-03:30").toInstant(), Rfc3339.parse("2026-11-28T10:00:00.5-03:30").toInstant());
    assertEquals(OffsetDateTime.parse("2026-02-28T23:59:59.000001+14:00").toInstant(), Rfc3339.parse("2026-02-28T23:59:59.000001+14:00").toInstant());
    assertEquals(OffsetDateTime.parse("2026-11-28T10:00:00.123456789Z").toInstant(), Rfc3339.parse("2026-11-28T10:00:00.1234567891234Z").toInstant(),
        "digits past nanoseconds are dropped");
  }
}
