package io.surge.ingest;

import io.surge.cloudevents.EventLimits;
import io.surge.cloudevents.CloudEvent;
import io.surge.cloudevents.EventDraft;
import io.surge.cloudevents.InvalidEventException;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP binding in binary mode (http-protocol-binding.md 3.1): ce- headers, Content-Type and the body. */
class HttpBindingTest {

  static Stream<Arguments> decodableValues() {
    return Stream.of(
        Arguments.of("Euro%20%E2%82%AC%20%F0%9F%98%80", "Euro \u20ac \uD83D\uDE00"),
        Arguments.of("%e2%82%ac", "\u20ac"),
        Arguments.of("%41%42C", "ABC"),
        Arguments.of("plain value", "plain value"),
        Arguments.of("\"a\\\"b\"", "a\"b"),
        Arguments.of("\"%20x\"", " x"),
        Arguments.of("%2541", "%41"),
        Arguments.of("\"\"", ""));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("decodableValues")
  void headerValuesAreUnquotedThenPercentDecodedOnce(String header, String value) {
    assertEquals(value, HttpBinding.decodeHeaderValue(header));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"%C0%A0", "%E2%82", "%zz", "%4", "%", "a%", "%ED%A0%80", "%FF", "\"a\"b\"", "\"a\\\""})
  void invalidEncodingsAreRejected(String header) {
    assertNull(HttpBinding.decodeHeaderValue(header));
  }

  @Test
  void headersMapToAttributesWhateverTheirCase() {
    // given
    MultiMap headers = requiredHeaders()
        .add("CE-SUBJECT", "room%2012")
        .add("Ce-Comment", "caf%C3%A9")
        .add("Content-Type", "text/plain; charset=utf-8");
    byte[] body = "21.5".getBytes(StandardCharsets.UTF_8);

    // when
    CloudEvent event = HttpBinding.readBinary(headers, body).toEvent(EventLimits.DEFAULTS);

    // then
    assertEquals("A-1", event.id());
    assertEquals("/sensors", event.source());
    assertEquals("room 12", event.subject());
    assertEquals(Map.of("comment", "caf\u00e9"), event.extensions());
    assertEquals("text/plain; charset=utf-8", event.datacontenttype());
    assertArrayEquals(body, event.data());
  }

  @Test
  void otherHeadersAreNotAttributes() {
    MultiMap headers = requiredHeaders().add("ce-", "x").add("Accept", "*/*").add("X-Ce-Thing", "y");

    assertEquals(Map.of(), HttpBinding.readBinary(headers, new byte[0]).toEvent(EventLimits.DEFAULTS).extensions());
  }

  @Test
  void emptyBodyMeansNoData() {
    CloudEvent event = HttpBinding.readBinary(requiredHeaders(), new byte[0]).toEvent(EventLimits.DEFAULTS);

    assertNull(event.data());
    assertNull(event.datacontenttype());
  }

  @Test
  void ceDatacontenttypeHeaderIsAProblem() {
    MultiMap headers = requiredHeaders().add("ce-datacontenttype", "text/plain");

    assertRejected(HttpBinding.readBinary(headers, new byte[0]), "ce-datacontenttype");
  }

  @Test
  void repeatedAttributeHeaderIsAProblem() {
    MultiMap headers = requiredHeaders().add("CE-Id", "A-2");

    assertRejected(HttpBinding.readBinary(headers, new byte[0]), "'id' appears more than once");
  }

  @Test
  void headerThatIsNotValidUtf8IsAProblemNamingIt() {
    MultiMap headers = requiredHeaders().add("ce-comment", "%C0%A0");

    assertRejected(HttpBinding.readBinary(headers, new byte[0]), "ce-comment");
  }

  /** Netty reads header bytes as ISO-8859-1: raw UTF-8 would be stored garbled, unlike structured mode. */
  @Test
  void rawNonAsciiHeaderBytesAreAProblemNamingTheHeader() {
    String rawUtf8AsLatin1 = new String("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.ISO_8859_1);
    MultiMap headers = requiredHeaders().add("ce-subject", rawUtf8AsLatin1);

    assertRejected(HttpBinding.readBinary(headers, new byte[0]), "ce-subject");
  }

  @Test
  void percentEncodedUtf8HeaderIsTheSameTextAsInStructuredMode() {
    MultiMap headers = requiredHeaders().add("ce-subject", "caf%C3%A9");

    assertEquals("caf\u00e9", HttpBinding.readBinary(headers, new byte[0]).toEvent(EventLimits.DEFAULTS).subject());
  }

  @Test
  void ceDataHeaderIsNotAnAttribute() {
    MultiMap headers = requiredHeaders().add("ce-data", "x");

    assertRejected(HttpBinding.readBinary(headers, new byte[0]), "'data'");
  }

  private static MultiMap requiredHeaders() {
    return MultiMap.caseInsensitiveMultiMap()
        .add("ce-specversion", "1.0")
        .add("CE-ID", "A-1")
        .add("ce-source", "/sensors")
        .add("ce-type", "com.example.reading");
  }

  private static void assertRejected(EventDraft draft, String reasonPart) {
    InvalidEventException e = assertThrows(InvalidEventException.class, () -> draft.toEvent(EventLimits.DEFAULTS));
    assertTrue(e.reasons().stream().anyMatch(reason -> reason.contains(reasonPart)),
        () -> "reasons should mention " + reasonPart + ": " + e.reasons());
  }
}
