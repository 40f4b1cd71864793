package io.surge.cloudevents;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CloudEvents 1.0 rules (spec.md and json-format.md), one row per rule: a structured JSON event that the
 * validator must accept, or must reject with a reason naming the attribute at fault.
 */
class CloudEventSpecRulesTest {
  private static final JsonEventFormat FORMAT = new JsonEventFormat(64, 100);
  private static final String[] REQUIRED = {"id", "source", "specversion", "type"};

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void followsTheSpec(String rule, Supplier<EventDraft> input, String rejectedAttribute) {
    if (rejectedAttribute == null) {
      assertDoesNotThrow(() -> input.get().toEvent(EventLimits.DEFAULTS));
    } else {
      InvalidEventException e = assertThrows(InvalidEventException.class, () -> input.get().toEvent(EventLimits.DEFAULTS));
      assertTrue(e.reasons().stream().anyMatch(reason -> reason.contains(rejectedAttribute)),
          () -> "reasons should mention '" + rejectedAttribute + "': " + e.reasons());
    }
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Stream.of(accepted("valid minimal event", event())),
        requiredAttributeRules(),
        specversionRules(),
        sourceRules(),
        dataschemaRules(),
        subjectRules(),
        timeRules(),
        datacontenttypeRules(),
        extensionNameRules(),
        extensionValueRules(),
        payloadAndRepetitionRules()
    ).flatMap(rows -> rows);
  }

  private static Stream<Arguments> requiredAttributeRules() {
    return Stream.of(REQUIRED).flatMap(name -> Stream.of(
        rejected(name + " missing", event().without(name), name),
        rejected(name + " empty", event().with(name, "\"\""), name),
        rejected(name + " null (null = absent)", event().with(name, "null"), name),
        rejected(name + " as a number", event().with(name, "1"), name),
        rejected(name + " as a boolean", event().with(name, "true"), name),
        rejected(name + " as an object", event().with(name, "{\"v\":\"1.0\"}"), name),
        rejected(name + " as an array", event().with(name, "[\"1.0\"]"), name)));
  }

  private static Stream<Arguments> specversionRules() {
    return Stream.of(
        rejected("specversion 0.3", event().with("specversion", "\"0.3\""), "specversion"),
        rejected("specversion 1.1", event().with("specversion", "\"1.1\""), "specversion"));
  }

  private static Stream<Arguments> sourceRules() {
    return Stream.of(
        accepted("source relative /x", event().with("source", "\"/x\"")),
        accepted("source 1-555-123-4567", event().with("source", "\"1-555-123-4567\"")),
        accepted("source urn", event().with("source", "\"urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66\"")),
        accepted("source mailto", event().with("source", "\"mailto:cncf-wg-serverless@lists.cncf.io\"")),
        accepted("source with fragment", event().with("source", "\"https://example.com/a#b\"")),
        accepted("source non-ASCII percent-encoded", event().with("source", "\"/k%C3%BCche\"")),
        rejected("source has space", event().with("source", "\"has space\""), "source"),
        rejected("source http://[bad", event().with("source", "\"http://[bad\""), "source"),
        rejected("source non-ASCII (an IRI, not an RFC 3986 URI)", event().with("source", "\"/k\u00fcche\""),
            "source"));
  }

  private static Stream<Arguments> dataschemaRules() {
    return Stream.of(
        accepted("dataschema absolute", event().with("dataschema", "\"https://example.com/schema.json\"")),
        accepted("dataschema urn", event().with("dataschema", "\"urn:example:schema:1\"")),
        accepted("dataschema null (absent)", event().with("dataschema", "null")),
        rejected("dataschema relative", event().with("dataschema", "\"/schema.json\""), "dataschema"),
        rejected("dataschema empty", event().with("dataschema", "\"\""), "dataschema"),
        rejected("dataschema with fragment (absolute-URI has none)",
            event().with("dataschema", "\"https://example.com/s.json#/defs/a\""), "dataschema"));
  }

  private static Stream<Arguments> subjectRules() {
    return Stream.of(
        accepted("subject non-empty", event().with("subject", "\"mynewfile.jpg\"")),
        rejected("subject empty", event().with("subject", "\"\""), "subject"),
        rejected("subject with control character", event().with("subject", "\"a\\u0001\""), "subject"));
  }

  private static Stream<Arguments> timeRules() {
    return Stream.of(
        accepted("time with Z", time("2024-01-01T10:00:00Z")),
        accepted("time with lowercase t and z", time("2024-01-01t10:00:00z")),
        accepted("time with fractional seconds", time("2024-01-01T10:00:00.123456789Z")),
        accepted("time with +05:30 offset", time("2024-01-01T10:00:00+05:30")),
        accepted("time with negative offset", time("2024-01-01T10:00:00-08:00")),
        accepted("time leap second 23:59:60", time("2016-12-31T23:59:60Z")),
        accepted("time Feb 29 in a leap year", time("2024-02-29T10:00:00Z")),
        rejected("time lunchtime", time("lunchtime"), "time"),
        rejected("time minute precision", time("2024-01-01T10:00Z"), "time"),
        rejected("time offset +2400", time("2024-01-01T10:00:00+2400"), "time"),
        rejected("time offset +24:00", time("2024-01-01T10:00:00+24:00"), "time"),
        rejected("time offset +05", time("2024-01-01T10:00:00+05"), "time"),
        rejected("time Feb 30", time("2024-02-30T10:00:00Z"), "time"),
        rejected("time Feb 29 in a common year", time("2023-02-29T10:00:00Z"), "time"),
        rejected("time month 13", time("2024-13-01T10:00:00Z"), "time"),
        rejected("time without offset", time("2024-01-01T10:00:00"), "time"),
        rejected("time as a number", event().with("time", "1704103200"), "time"));
  }

  private static Stream<Arguments> datacontenttypeRules() {
    return Stream.of(
        accepted("datacontenttype with charset", contentType("application/json; charset=utf-8")),
        accepted("datacontenttype with empty parameter", contentType("text/plain;")),
        accepted("datacontenttype with quoted parameter", contentType("multipart/mixed; boundary=\\\"a b;c\\\"")),
        rejected("datacontenttype json", contentType("json"), "datacontenttype"),
        rejected("datacontenttype text/", contentType("text/"), "datacontenttype"),
        rejected("datacontenttype a b/c", contentType("a b/c"), "datacontenttype"),
        rejected("datacontenttype parameter without value", contentType("text/plain; charset"), "datacontenttype"),
        rejected("datacontenttype empty", contentType(""), "datacontenttype"));
  }

  private static Stream<Arguments> extensionNameRules() {
    return Stream.of(
        accepted("extension name lowercase and digits", event().with("abc123", "\"x\"")),
        accepted("extension name of 25 chars (20 is only a SHOULD)",
            event().with("abcdefghijklmnopqrstuvwxy", "\"x\"")),
        rejected("extension name uppercase", event().with("myExt", "\"x\""), "myExt"),
        rejected("extension name underscore", event().with("my_ext", "\"x\""), "my_ext"),
        rejected("extension name dash", event().with("my-ext", "\"x\""), "my-ext"),
        // JSON reads a 'data' member as the payload, so the name can only arrive as an attribute from a binding.
        rejected("attribute named data", () -> minimalDraft().attribute("data", "x"), "data"));
  }

  private static Stream<Arguments> extensionValueRules() {
    return Stream.of(
        accepted("extension string", extension("\"hello\"")),
        accepted("extension integer", extension("5")),
        accepted("extension integer min int32", extension("-2147483648")),
        accepted("extension integer max int32", extension("2147483647")),
        accepted("extension boolean", extension("false")),
        accepted("extension null (absent)", extension("null")),
        accepted("extension proper surrogate pair (emoji)", extension("\"\\uD83D\\uDE00\"")),
        rejected("extension float 1.5", extension("1.5"), "ext"),
        rejected("extension 5.0 (fraction)", extension("5.0"), "ext"),
        rejected("extension 1e3 (exponent)", extension("1e3"), "ext"),
        rejected("extension 2147483648 (beyond int32)", extension("2147483648"), "ext"),
        rejected("extension -2147483649 (beyond int32)", extension("-2147483649"), "ext"),
        rejected("extension object", extension("{\"a\":1}"), "ext"),
        rejected("extension array", extension("[1]"), "ext"),
        rejected("extension control char U+0001", extension("\"a\\u0001b\""), "ext"),
        rejected("extension DEL U+007F", extension("\"a\\u007fb\""), "ext"),
        rejected("extension C1 U+0085", extension("\"a\\u0085b\""), "ext"),
        rejected("extension lone high surrogate U+D800", extension("\"a\\uD800b\""), "ext"),
        rejected("extension lone low surrogate U+DEAD", extension("\"\\uDEAD\""), "ext"),
        rejected("extension noncharacter U+FDD0", extension("\"\\uFDD0\""), "ext"),
        rejected("extension noncharacter U+FFFE", extension("\"\\uFFFE\""), "ext"),
        rejected("extension noncharacter U+1FFFF", extension("\"\\uD83F\\uDFFF\""), "ext"));
  }

  private static Stream<Arguments> payloadAndRepetitionRules() {
    return Stream.of(
        accepted("data_base64 valid", event().with("data_base64", "\"aGVsbG8=\"")),
        rejected("data and data_base64 both", event().with("data", "{}").with("data_base64", "\"aGVsbG8=\""),
            "data_base64"),
        rejected("data_base64 invalid", event().with("data_base64", "\"not base64!\""), "data_base64"),
        rejected("data_base64 not a string", event().with("data_base64", "42"), "data_base64"),
        rejected("attribute repeated in JSON", json("{\"specversion\":\"1.0\",\"id\":\"1\",\"id\":\"2\","
            + "\"source\":\"/s\",\"type\":\"t\"}"), "id"),
        rejected("data member repeated", json("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\","
            + "\"type\":\"t\",\"data\":1,\"data\":2}"), "data"));
  }

  private static Arguments accepted(String rule, Supplier<EventDraft> input) {
    return Arguments.of(rule, input, null);
  }

  private static Arguments rejected(String rule, Supplier<EventDraft> input, String attribute) {
    return Arguments.of(rule, input, attribute);
  }

  private static JsonEvent time(String value) {
    return event().with("time", "\"" + value + "\"");
  }

  private static JsonEvent contentType(String escapedValue) {
    return event().with("datacontenttype", "\"" + escapedValue + "\"");
  }

  private static JsonEvent extension(String jsonValue) {
    return event().with("ext", jsonValue);
  }

  private static EventDraft minimalDraft() {
    return new EventDraft().attribute("specversion", "1.0").attribute("id", "1").attribute("source", "/s")
        .attribute("type", "com.example.t");
  }

  private static Supplier<EventDraft> json(String text) {
    return () -> FORMAT.readEvent(text.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonEvent event() {
    return new JsonEvent()
        .with("specversion", "\"1.0\"")
        .with("id", "\"A234-1234-1234\"")
        .with("source", "\"https://example.com/sensors\"")
        .with("type", "\"com.example.reading\"");
  }

  /** A structured event written member by member; each value is raw JSON text, so any type can be tried. */
  private static final class JsonEvent implements Supplier<EventDraft> {
    private final Map<String, String> members = new LinkedHashMap<>();

    JsonEvent with(String name, String jsonValue) {
      members.put(name, jsonValue);
      return this;
    }

    JsonEvent without(String name) {
      members.remove(name);
      return this;
    }

    @Override
    public EventDraft get() {
      StringBuilder text = new StringBuilder("{");
      members.forEach((name, value) -> text.append(text.length() > 1 ? "," : "")
          .append('"').append(name).append("\":").append(value));
      return json(text.append('}').toString()).get();
    }

    @Override
    public String toString() {
      return members.toString();
    }
  }
}
