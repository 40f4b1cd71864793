package io.surge.cloudevents;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9110 media types and the json-format rule for which of them declare JSON. */
class MediaTypeTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "application/json|application/json",
      "Application/JSON; Charset=UTF-8|application/json",
      "text/plain;|text/plain",
      "text/plain ; charset=utf-8 ;; format=flowed|text/plain",
      "multipart/mixed; boundary=\"a b;c\\\"d\"|multipart/mixed",
      "application/vnd.example+json|application/vnd.example+json"})
  void essenceIsTheLowercaseTypeWithoutParameters(String value, String essence) {
    assertEquals(essence, MediaType.essence(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "json", "text/", "/plain", "a b/c", "text/plain; charset", "text/plain; =utf-8",
      "text/plain; charset=", "text/plain; charset=\"unterminated", "text/plain x", "t\u00e9xt/plain",
      "text/plain; a=\"\u0001\""})
  void rejectsWhatIsNotAMediaType(String value) {
    assertFalse(MediaType.isValid(value));
  }

  @Test
  void nullIsNotAMediaType() {
    assertNull(MediaType.essence(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "text/json", "application/cloudevents+json",
      "application/vnd.example.v1+json", "model/json"})
  void jsonIsStarSlashJsonOrStarSlashStarPlusJson(String essence) {
    assertTrue(MediaType.isJson(essence));
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/jsonx", "application/json-seq", "application/xml",
      "application/octet-stream"})
  void otherTypesAreNotJson(String essence) {
    assertFalse(MediaType.isJson(essence));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "text/plain; charset=utf-8|utf-8",
      "text/plain;CHARSET=ISO-8859-1|ISO-8859-1",
      "text/plain; format=flowed; charset=\"utf-8\"|utf-8",
      "text/plain; a=\"x;charset=no\"; charset=us-ascii|us-ascii",
      "text/plain; charset=\"a\\\"b\"|a\"b"})
  void parameterIsFoundByNameAndUnquoted(String value, String charset) {
    assertEquals(charset, MediaType.parameter(value, "charset"));
  }

  @Test
  void absentParameterIsNull() {
    assertNull(MediaType.parameter("text/plain; format=flowed", "charset"));
    assertNull(MediaType.parameter("text/plain", "charset"));
  }
}
