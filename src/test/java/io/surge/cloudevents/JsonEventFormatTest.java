package io.surge.cloudevents;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading structured events and batches: data kept byte for byte, content types as json-format 3.1 says. */
class JsonEventFormatTest {
  private static final int MAX_DEPTH = 8;
  private static final int MAX_EVENTS = 3;
  /** Required attributes and a subject in multi-byte UTF-8, so a char offset would cut data at the wrong byte. */
  private static final String ATTRIBUTES =
      "\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"subject\":\"caf\u00e9 \u20ac\"";

  private final JsonEventFormat format = new JsonEventFormat(MAX_DEPTH, MAX_EVENTS);

  @ParameterizedTest(name = "data {0}")
  @ValueSource(strings = {
      "{ \"b\" : [1, 2.50, {\"c\": null}], \"a\":\"\u00e9\" }",
      "[ 1, \"two\" , 3e2 ]",
      "\"quote \\\" backslash \\\\ tab \\t unicode \\u00e9 \u20ac\"",
      "-12.50e+3",
      "0",
      "true",
      "null"})
  void jsonDataKeepsTheExactBytesWithWhitespaceAround(String rawData) {
    // given data with whitespace on both sides, followed by another member
    String body = "{" + ATTRIBUTES + ",\"data\" : \n\t" + rawData + " \n, \"ext\":\"after\"}";

    // when
    CloudEvent event = read(body);

    // then
    assertEquals(rawData, utf8(event.data()));
  }

  @ParameterizedTest(name = "data {0}")
  @ValueSource(strings = {"{\"a\":1}", "[1]", "\"x\"", "42", "4.2", "true", "null"})
  void jsonDataKeepsTheExactBytesWithoutWhitespace(String rawData) {
    CloudEvent first = read("{\"data\":" + rawData + "," + ATTRIBUTES + "}");
    CloudEvent last = read("{" + ATTRIBUTES + ",\"data\":" + rawData + "}");

    assertEquals(rawData, utf8(first.data()), "data first, right before a comma");
    assertEquals(rawData, utf8(last.data()), "data last, right before the closing brace");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"application/json", "text/json; charset=utf-8", "application/vnd.x+json", "example/json"})
  void jsonStringDataUnderJsonContentTypeKeepsItsQuotesAndEscapes(String contentType) {
    CloudEvent event = read("{" + ATTRIBUTES + ",\"datacontenttype\":\"" + contentType + "\","
        + "\"data\":\"{\\\"not\\\":\\\"parsed\\\"}\"}");

    assertEquals("\"{\\\"not\\\":\\\"parsed\\\"}\"", utf8(event.data()));
  }

  @Test
  void jsonStringDataUnderNonJsonContentTypeIsTheDecodedText() {
    CloudEvent event = read("{" + ATTRIBUTES + ",\"datacontenttype\":\"text/plain\","
        + "\"data\":\"line1\\nsaid \\\"hi\\\" \\u20ac\"}");

    assertEquals("line1\nsaid \"hi\" \u20ac", utf8(event.data()));
  }

  @Test
  void nonStringDataUnderNonJsonContentTypeKeepsItsJsonText() {
    CloudEvent event = read("{" + ATTRIBUTES + ",\"datacontenttype\":\"text/plain\",\"data\": 12 }");

    assertEquals("12", utf8(event.data()));
  }

  @Test
  void dataWithoutDatacontenttypeIsApplicationJson() {
    CloudEvent event = read("{" + ATTRIBUTES + ",\"data\":\"x\"}");

    assertEquals("application/json", event.datacontenttype());
    assertEquals("\"x\"", utf8(event.data()), "implied JSON: the string stays a JSON value");
  }

  @Test
  void dataBase64WithoutDatacontenttypeLeavesItUnset() {
    CloudEvent event = read("{" + ATTRIBUTES + ",\"data_base64\":\"AAEC/w==\"}");

    assertNull(event.datacontenttype());
    assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, event.data());
  }

  @Test
  void noDataMeansNoDataAndNoImpliedContentType() {
    CloudEvent event = read("{" + ATTRIBUTES + "}");

    assertNull(event.data());
    assertNull(event.datacontenttype());
  }

  @Test
  void extensionsKeepTheirJsonTypes() {
    CloudEvent event = read("{" + ATTRIBUTES + ",\"count\":5,\"flag\":true,\"note\":\"n\",\"gone\":null}");

    assertEquals(5, event.extensions().get("count"));
    assertEquals(true, event.extensions().get("flag"));
    assertEquals("n", event.extensions().get("note"));
    assertEquals(List.of("count", "flag", "note"), List.copyOf(event.extensions().keySet()));
  }

  @Test
  void repeatedDataBase64IsAProblemNotAnOverwrite() {
    // given two data_base64 members
    String body = "{" + ATTRIBUTES + ",\"data_base64\":\"AAE=\",\"data_base64\":\"AgM=\"}";

    // when validated, then the repetition is named
    InvalidEventException e = assertThrows(InvalidEventException.class,
        () -> format.readEvent(body.getBytes(StandardCharsets.UTF_8)).toEvent(EventLimits.DEFAULTS));
    assertTrue(e.reasons().stream().anyMatch(r -> r.contains("data_base64")), e.reasons()::toString);
  }

  @Test
  void emptyBatchIsValid() {
    assertEquals(List.of(), format.readBatch(utf8("[ ]")));
  }

  @Test
  void batchElementThatIsNotAnObjectIsAProblemForThatIndexOnly() {
    // given
    String valid = "{" + ATTRIBUTES + "}";

    // when
    List<EventDraft> drafts = format.readBatch(utf8("[" + valid + ", [1, {\"x\":2}], " + valid + "]"));

    // then
    assertEquals(3, drafts.size());
    drafts.get(0).toEvent(EventLimits.DEFAULTS);
    drafts.get(2).toEvent(EventLimits.DEFAULTS);
    InvalidEventException e = assertThrows(InvalidEventException.class, () -> drafts.get(1).toEvent(EventLimits.DEFAULTS));
    assertTrue(e.getMessage().contains("must be a JSON object"), e::getMessage);
  }

  @Test
  void batchAtTheLimitIsRead() {
    assertEquals(MAX_EVENTS, format.readBatch(utf8("[{},{},{}]")).size());
  }

  @Test
  void batchOverTheLimitThrows() {
    assertThrows(TooManyEventsException.class, () -> format.readBatch(utf8("[{},{},{},{}]")));
    assertThrows(TooManyEventsException.class, () -> format.readEventOrBatch(utf8("[1,2,3,4]")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "[{}]",
      "\"event\"",
      "{} {}",
      "{} x",
      "{\"id\":",
      "{\"id\" \"1\"}",
      "",
      "{\"data\":[[[[[[[[[1]]]]]]]]]}"})
  void readEventRejectsWhatIsNotExactlyOneJsonObject(String body) {
    assertThrows(MalformedEventsException.class, () -> format.readEvent(utf8(body)));
  }

  @Test
  void nestingUpToTheLimitIsRead() {
    // the event object is depth 1, so data may nest MAX_DEPTH - 1 levels
    String data = "[".repeat(MAX_DEPTH - 1) + "]".repeat(MAX_DEPTH - 1);

    assertEquals(data, utf8(read("{" + ATTRIBUTES + ",\"data\":" + data + "}").data()));
  }

  @Test
  void readBatchRejectsASingleObject() {
    assertThrows(MalformedEventsException.class, () -> format.readBatch(utf8("{" + ATTRIBUTES + "}")));
  }

  @Test
  void readEventOrBatchAcceptsBoth() {
    String event = "{" + ATTRIBUTES + "}";

    assertEquals(1, format.readEventOrBatch(utf8(event)).size());
    assertEquals(2, format.readEventOrBatch(utf8("[" + event + "," + event + "]")).size());
    assertThrows(MalformedEventsException.class, () -> format.readEventOrBatch(utf8("42")));
  }

  private CloudEvent read(String body) {
    return format.readEvent(utf8(body)).toEvent(EventLimits.DEFAULTS);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
