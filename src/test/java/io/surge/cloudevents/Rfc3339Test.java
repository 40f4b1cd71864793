package io.surge.cloudevents;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
}
