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

  @Test
  void rfc3339InstantsIncludingLeapSecondsAndLowercase() {
    assertEquals(OffsetDateTime.parse("2026-11-28T10:00:00.123456789+01:00"), Rfc3339.parse("2026-11-28T10:00:00.123456789+01:00"));
    assertEquals(OffsetDateTime.parse("2016-12-31T23:59:59Z").plusSeconds(1), Rfc3339.parse("2016-12-31T23:59:60Z"));
    assertEquals(OffsetDateTime.parse("2026-11-28T10:00:00Z"), Rfc3339.parse("2026-11-28t10:00:00z"));
    assertEquals(OffsetDateTime.parse("2026-11-28T10:00:00.5-03:30"), Rfc3339.parse("2026-11-28T10:00:00.5-03:30"));
    assertEquals(OffsetDateTime.parse("2026-02-28T23:59:59.000001+14:00"), Rfc3339.parse("2026-02-28T23:59:59.000001+14:00"));
    assertEquals(OffsetDateTime.parse("2026-11-28T10:00:00.123456789Z"), Rfc3339.parse("2026-11-28T10:00:00.1234567891234Z"),
        "digits past nanoseconds are dropped");
  }
}
