package io.surge.cloudevents;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.junit.jupiter.params.provider.CsvSource;

import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 3339 section 5.6 date-time, beyond the rows the spec-rules table already walks through the validator. */
class Rfc3339Test {

  @ParameterizedTest
  @ValueSource(strings = {
      "1985-04-12T23:20:50.52Z",
      "1996-12-19T16:39:57-08:00",
      "1990-12-31T15:59:60-08:00",
      "1937-01-01T12:00:27.87+00:20",
      "2000-02-29T00:00:00Z",
      "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.9+23:59",
      "2024-01-01T00:00:00-00:00"})
  void accepts(String timestamp) {
    assertTrue(Rfc3339.isValid(timestamp));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "2024-01-01",
      "2024-01-01 10:00:00Z",
      "2024-01-01T24:00:00Z",
      "2024-01-01T10:60:00Z",
      "2024-01-01T10:00:61Z",
      "2024-00-01T10:00:00Z",
      "2024-01-00T10:00:00Z",
      "2024-04-31T10:00:00Z",
      "1900-02-29T10:00:00Z",
      "2024-01-01T10:00:00.Z",
      "2024-01-01T10:00:00,5Z",
      "2024-01-01T10:00:00+05:60",
      "2024-01-01T10:00:00+0530",
      "2024-01-01T10:00:00 +05:30",
      "2024-01-01T10:00:00Zz",
      "2024-1-01T10:00:00Z",
      "24-01-01T10:00:00Z",
      "2024-01-01T1O:00:00Z",
      "\u0662\u0660\u0662\u0664-01-01T10:00:00Z"})
  void rejects(String timestamp) {
    assertFalse(Rfc3339.isValid(timestamp));
  }

  /** Offsets run to ±23:59 in RFC 3339 (java.time stops at ±18:00); a leap second is the next second. */
  @ParameterizedTest
  @CsvSource({
      "2026-01-01T00:00:00+19:00,       2025-12-31T05:00:00Z",
      "2026-01-01T00:00:00-23:59,       2026-01-01T23:59:00Z",
      "2026-01-01T00:00:00.123456789+23:59, 2025-12-31T00:01:00.123456789Z",
      "1990-12-31T23:59:60Z,            1991-01-01T00:00:00Z",
      "1990-12-31T15:59:60-08:00,       1991-01-01T00:00:00Z",
      "0000-01-01T00:00:00+23:59,       -0001-12-31T00:01:00Z",
      "9999-12-31T23:59:60-23:59,       +10000-01-01T23:59:00Z",
      "1937-01-01T12:00:27.87+00:20,    1937-01-01T11:40:27.87Z"})
  void parsesTheInstant(String timestamp, String instant) {
    assertTrue(Rfc3339.isValid(timestamp));
    assertEquals(OffsetDateTime.parse(instant).toInstant(), Rfc3339.parse(timestamp).toInstant());
  }
}
