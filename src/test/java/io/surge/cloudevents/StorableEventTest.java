package io.surge.cloudevents;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is accepted can be stored: attribute byte limits, strict UTF-8, and how data is kept and given back. */
class StorableEventTest {
  private static final EventLimits LIMITS = new EventLimits(8, 16, 8, 16, 32, 2);

  @ParameterizedTest
  @CsvSource({"id, 9", "source, 17", "type, 9", "subject, 17", "dataschema, 33", "comment, 33"})
  void anAttributeOverItsByteLimitIsRefusedNamingIt(String attribute, int bytes) {
    EventDraft draft = valid();
    String value = attribute.equals("dataschema") ? "https://x/" + "a".repeat(bytes - 10) : "a".repeat(bytes);
    draft.attributes.put(attribute, value);

    InvalidEventException e = assertThrows(InvalidEventException.class, () -> draft.toEvent(LIMITS));
    assertTrue(e.reasons().stream().anyMatch(r -> r.contains("'" + attribute + "'") && r.contains(bytes + " bytes")),
        e.reasons()::toString);
  }

  @Test
  void limitsCountUtf8BytesNotCharacters() {
    EventDraft draft = valid();
    draft.attributes.put("id", "\u00e9\u00e9\u00e9\u00e9\u00e9"); // 5 characters, 10 bytes

    assertThrows(InvalidEventException.class, () -> draft.toEvent(LIMITS));
    draft.attributes.put("id", "\u00e9\u00e9\u00e9\u00e9"); // 8 bytes
    assertEquals("\u00e9\u00e9\u00e9\u00e9", draft.toEvent(LIMITS).id());
  }

  @Test
  void tooManyExtensionsAreRefused() {
    EventDraft draft = valid().attribute("a", "1").attribute("b", "2").attribute("c", "3");

    InvalidEventException e = assertThrows(InvalidEventException.class, () -> draft.toEvent(LIMITS));
    assertTrue(e.reasons().get(0).contains("3 extension attributes"), e.reasons()::toString);
  }

  @Test
  void defaultLimitsKeepEveryIndexRowFarBelowPostgresLimit() {
    EventLimits d = EventLimits.DEFAULTS;
    assertTrue(d.idBytes() + d.sourceBytes() + 64 < 2000, "primary key (tenant, source, id)");
    assertTrue(d.subjectBytes() + 64 + 16 < 2000, "events_by_subject");
    assertThrows(IllegalArgumentException.class, () -> new EventLimits(2000, 2000, 8, 8, 8, 1));
  }

  @Test
  void strictUtf8RefusesOverlongFormsSurrogatesAndTruncation() {
    assertEquals(-1, Utf8.firstInvalid("a\u00e9\u20ac\ud83d\ude00".getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, Utf8.firstInvalid(new byte[] {'/', (byte) 0xc0, (byte) 0xaf, 'x'}));
    assertEquals(0, Utf8.firstInvalid(new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}));
    assertEquals(0, Utf8.firstInvalid(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}));
    assertEquals(0, Utf8.firstInvalid(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}));
    assertEquals(1, Utf8.firstInvalid(new byte[] {'a', (byte) 0xe2, (byte) 0x82}));
    assertEquals(0, Utf8.firstInvalid(new byte[] {(byte) 0x80}));
    assertEquals(10, Utf8.length("a\u00e9\u20ac\ud83d\ude00") + 0);
  }

  /** The scan takes ASCII eight bytes at a time: what follows a run of any length is still checked, at its offset. */
  @Test
  void strictUtf8AfterAsciiRunsOfEveryLength() {
    for (int run = 0; run < 20; run++) {
      byte[] ascii = "a".repeat(run).getBytes(StandardCharsets.UTF_8);
      byte[] overlong = java.util.Arrays.copyOf(ascii, run + 3);
      overlong[run] = (byte) 0xc0;
      overlong[run + 1] = (byte) 0xaf;
      overlong[run + 2] = 'x';
      assertEquals(run, Utf8.firstInvalid(overlong));
      byte[] valid = ("a".repeat(run) + "\u00e9" + "b".repeat(run) + "\ud83d\ude00").getBytes(StandardCharsets.UTF_8);
      assertEquals(-1, Utf8.firstInvalid(valid));
    }
  }

  @Test
  void aStructuredBodyThatIsNotStrictUtf8IsMalformed() {
    byte[] body = ("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/\u0000x\",\"type\":\"t\"}")
        .getBytes(StandardCharsets.UTF_8);
    body[body.length - 28] = (byte) 0xc0; // the NUL placeholder becomes the overlong C0 AF of '/'
    body[body.length - 27] = (byte) 0xaf;
    MalformedEventsException e = assertThrows(MalformedEventsException.class,
        () -> new JsonEventFormat(8, 1).readEvent(body));
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "application/json           | {\"a\":1}    | JSONB",
      "                           | [1,2]        | JSONB",
      "application/json           | 1e1000000    | JSON",
      "application/vnd.x+json     | \"\\ud800\"  | JSON",
      "application/json           | not json     | BINARY",
      "text/plain                 | hello        | TEXT",
      "text/plain; charset=utf-8  | h\u00e9llo   | TEXT",
      "text/plain; charset=latin1 | hello        | BINARY",
      "application/xml            | <a/>         | TEXT",
      "application/cloudevents+xml| <a/>         | TEXT",
      "application/octet-stream   | hello        | BINARY",
      "image/png                  | hello        | BINARY"})
  void dataFormFollowsTheContentTypeAndTheBytes(String contentType, String data, DataForm form) {
    assertEquals(form, DataForm.of(contentType, data.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void textWithInvalidUtf8IsBinary() {
    assertEquals(DataForm.BINARY, DataForm.of("text/plain", new byte[] {'a', (byte) 0xff}));
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/xml"})
  void textComesBackAsADataString(String contentType) {
    CloudEvent event = valid().attribute("datacontenttype", contentType).data("<a>\u00e9</a>".getBytes(StandardCharsets.UTF_8))
        .toEvent(EventLimits.DEFAULTS);

    String written = new String(StructuredWriter.write(event, DataForm.of(contentType, event.data())), StandardCharsets.UTF_8);
    assertTrue(written.endsWith(",\"data\":\"<a>\u00e9</a>\"}"), written);
  }

  @Test
  void jsonThatJsonbRefusesComesBackAsTheSameJsonValue() {
    byte[] data = "{\"n\":1e1000000}".getBytes(StandardCharsets.UTF_8);
    CloudEvent event = valid().attribute("datacontenttype", "application/json").data(data).toEvent(EventLimits.DEFAULTS);

    String written = new String(StructuredWriter.write(event, DataForm.ofStoredBytes("application/json", data)),
        StandardCharsets.UTF_8);
    assertTrue(written.endsWith(",\"data\":{\"n\":1e1000000}}"), written);
  }

  private static EventDraft valid() {
    return new EventDraft().attribute("specversion", "1.0").attribute("id", "1").attribute("source", "/s")
        .attribute("type", "t");
  }
}
