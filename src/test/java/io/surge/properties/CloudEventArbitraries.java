package io.surge.properties;

import io.surge.properties.GeneratedEvent.Absent;
import io.surge.properties.GeneratedEvent.Attribute;
import io.surge.properties.GeneratedEvent.Base64Data;
import io.surge.properties.GeneratedEvent.BothData;
import io.surge.properties.GeneratedEvent.Data;
import io.surge.properties.GeneratedEvent.JsonData;
import io.surge.properties.GeneratedEvent.Literal;
import io.surge.properties.GeneratedEvent.NoData;
import io.surge.properties.GeneratedEvent.RawUtf8;
import io.surge.properties.GeneratedEvent.Str;
import io.surge.properties.GeneratedEvent.Value;
import io.surge.properties.GeneratedEvent.Verdict;
import io.surge.properties.GeneratedEvent.Wire;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Generators of CloudEvents: valid, at every limit, and invalid, each tagged with what the spec says of it.
 *
 * <p>{@link #KNOWN_BUGS}: with {@code -Dsurge.properties.knownBugs=false} the generators keep away from the bugs
 * already reported (time offsets past ±18:00, attributes over a thousand bytes, numbers jsonb cannot hold, lone
 * surrogates in data, overlong UTF-8), to show that everything else holds. On by default: the property is meant
 * to find them.
 */
final class CloudEventArbitraries {
  static final boolean KNOWN_BUGS = Boolean.parseBoolean(System.getProperty("surge.properties.knownBugs", "true"));

  /** Strings up to this many UTF-8 bytes are "small": no sane limit refuses them, so a valid one must persist. */
  static final int SMALL_BYTES = 200;
  private static final int MAX_ATTRIBUTE_CHARS = KNOWN_BUGS ? 8000 : 900;
  private static final Set<String> CORE = Set.of("specversion", "id", "source", "type", "datacontenttype",
      "dataschema", "subject", "time", "data", "data_base64");

  private CloudEventArbitraries() {}

  /** Half of them anything; the other half anything the spec allows (each part is spoiled too often otherwise). */
  static Arbitrary<GeneratedEvent> events() {
    Arbitrary<GeneratedEvent> any = anyEvents();
    return Arbitraries.frequencyOf(Tuple.of(1, any), Tuple.of(1, any.filter(e -> e.verdict() != Verdict.INVALID)));
  }

  static Arbitrary<GeneratedEvent> anyEvents() {
    Arbitrary<Tuple.Tuple8<Value, Value, Value, Value, Value, Value, Value, Value>> core = Combinators.combine(
        specversion(), required(text()), required(source()), required(text()),
        optional(text()), optional(time()), optional(dataschema()), optional(datacontenttype()))
        .as(Tuple::of);
    return Combinators.combine(core, extensions(), data()).as((c, extensions, data) -> {
      List<Attribute> attributes = new ArrayList<>();
      add(attributes, "specversion", c.get1());
      add(attributes, "id", c.get2());
      add(attributes, "source", c.get3());
      add(attributes, "type", c.get4());
      add(attributes, "subject", c.get5());
      add(attributes, "time", c.get6());
      add(attributes, "dataschema", c.get7());
      add(attributes, "datacontenttype", c.get8());
      attributes.addAll(extensions);
      return new GeneratedEvent(attributes, data);
    });
  }

  /** A plain, small, valid event: what every run ends with to show the workers are still alive. */
  static GeneratedEvent plain(String id) {
    return new GeneratedEvent(List.of(
        new Attribute("specversion", new Str("1.0", Verdict.VALID)),
        new Attribute("id", new Str(id, Verdict.VALID)),
        new Attribute("source", new Str("/properties/alive", Verdict.VALID)),
        new Attribute("type", new Str("com.example.alive", Verdict.VALID))),
        new JsonData("{\"alive\":true}".getBytes(StandardCharsets.UTF_8), Verdict.VALID, "{\"alive\":true}"));
  }

  private static final Value ABSENT = new Absent(Verdict.VALID);

  /** Adds the attribute; an absent one only when its absence matters (a missing required attribute). */
  private static void add(List<Attribute> attributes, String name, Value value) {
    if (!(value instanceof Absent a && a.verdict() == Verdict.VALID)) {
      attributes.add(new Attribute(name, value));
    }
  }

  // --- core attributes

  private static Arbitrary<Value> specversion() {
    return Arbitraries.frequencyOf(
        Tuple.of(30, Arbitraries.just(new Str("1.0", Verdict.VALID))),
        Tuple.of(1, Arbitraries.of("0.3", "1", "1.0.0", "2.0", "", " 1.0").map(s -> new Str(s, Verdict.INVALID))),
        Tuple.of(1, Arbitraries.just(new Absent(Verdict.INVALID))),
        Tuple.of(1, Arbitraries.just(new Literal("1.0", Verdict.EDGY))));
  }

  /** A required attribute: mostly the value given, sometimes missing, empty, null or not a string. */
  private static Arbitrary<Value> required(Arbitrary<Value> value) {
    return Arbitraries.frequencyOf(
        Tuple.of(40, value),
        Tuple.of(1, Arbitraries.just(new Str("", Verdict.INVALID))),
        Tuple.of(1, Arbitraries.just(new Literal("null", Verdict.INVALID))),
        Tuple.of(1, Arbitraries.just(new Absent(Verdict.INVALID))),
        // a number is no string in JSON, but "7" is a fine binary-mode header
        Tuple.of(1, Arbitraries.just(new Literal("7", Verdict.EDGY))));
  }

  private static Arbitrary<Value> optional(Arbitrary<Value> value) {
    return Arbitraries.frequencyOf(Tuple.of(3, value), Tuple.of(2, Arbitraries.just(ABSENT)));
  }

  /** Atoms of text a valid string may hold: ASCII, accents, combining marks, CJK, RTL, emoji, ZWJ, BOM. */
  private static final List<String> VALID_ATOMS = List.of("a", "Z", "0", "-", ".", "_", " ", "/", ":", "\"", "\\",
      "%", "+", "é", "e\u0301", "漢字", "שלום", "😀", "👩\u200d💻", "\ufeff", "\ufffd", "\u00a0", "\u2028", "\u0378");
  /** What the spec's String type forbids: control characters, lone surrogates, noncharacters. */
  private static final List<String> INVALID_ATOMS = List.of("\u0000", "\u0001", "\t", "\n", "\u001f", "\u007f",
      "\u0085", "\u009f", "\ud800", "\udc00", "\udbff", "\uffff", "\ufffe", "\ufdd0", "\ufdef", "\udbff\udfff",
      "\ud83f\udffe");

  static Arbitrary<Integer> lengths(int max) {
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.integers().between(1, 40)),
        Tuple.of(3, Arbitraries.integers().between(41, max)),
        Tuple.of(2, Arbitraries.of(255, 256, 1023, 1024, 1025, 2048, 4096, 6000, 8000).filter(n -> n <= max)));
  }

  /** Text cycled from a few atoms up to a length; maybe spoiled by one forbidden character somewhere. */
  static Arbitrary<Value> text() {
    return text(MAX_ATTRIBUTE_CHARS);
  }

  static Arbitrary<Value> text(int maxChars) {
    Arbitrary<List<String>> atoms = Arbitraries.of(VALID_ATOMS).list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<String> spoiler = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("")),
        Tuple.of(1, Arbitraries.of(INVALID_ATOMS)));
    return Combinators.combine(atoms, lengths(maxChars), spoiler, Arbitraries.integers().between(0, 100), mixes())
        .as((a, length, spoil, where, mix) -> {
          String s = mix == 0 ? cycle(a, length) : mix(a, length, mix);
          if (!spoil.isEmpty()) {
            int at = atomBoundary(s, s.length() * where / 100);
            s = s.substring(0, at) + spoil + s.substring(at);
          }
          return new Str(s, spoil.isEmpty() ? sized(s) : Verdict.INVALID);
        });
  }

  private static Verdict sized(String s) {
    return Wire.wtf8(s).length <= SMALL_BYTES ? Verdict.VALID : Verdict.EDGY;
  }

  /**
   * 0: cycle the atoms (compresses to nothing); else the seed of a random mix of them. Postgres compresses long
   * values before it indexes them, so only a mix reaches the index row limit; shrinking prefers the cycle.
   */
  private static Arbitrary<Long> mixes() {
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0L)), Tuple.of(1, Arbitraries.longs().between(1, 1L << 40)));
  }

  static String mix(List<String> atoms, int length, long seed) {
    java.util.Random random = new java.util.Random(seed);
    StringBuilder sb = new StringBuilder(length + 8);
    while (sb.length() < length) {
      sb.append(atoms.get(random.nextInt(atoms.size())));
    }
    return sb.toString();
  }

  static String cycle(List<String> atoms, int length) {
    StringBuilder sb = new StringBuilder(length + 8);
    for (int i = 0; sb.length() < length; i++) {
      sb.append(atoms.get(i % atoms.size()));
    }
    return sb.toString();
  }

  private static int atomBoundary(String s, int at) {
    return at > 0 && at < s.length() && Character.isLowSurrogate(s.charAt(at)) ? at - 1 : at;
  }

  /** A URI-reference (RFC 3986): path characters after a scheme or a slash; sometimes spoiled. */
  static Arbitrary<Value> source() {
    Arbitrary<String> prefix = Arbitraries.of("/", "https://example.com/", "urn:surge:", "//host:8080/", "");
    Arbitrary<List<String>> atoms = Arbitraries.of("a", "z", "0", "9", "-", ".", "_", "~", "/", ":", "@", "!", "$",
        "&", "'", "(", ")", "*", "+", ",", ";", "=", "%41").list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<Tuple.Tuple2<String, Verdict>> spoiler = Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.just(Tuple.of("", Verdict.VALID))),
        Tuple.of(1, Arbitraries.of("?q=1", "#f", "?a=b#c").map(s -> Tuple.of(s, Verdict.EDGY))),
        Tuple.of(2, Arbitraries.of(" ", "ü", "<", "\"", "{", "%zz", "\u0001", "#a#b", "\ud800", "\\")
            .map(s -> Tuple.of(s, Verdict.INVALID))));
    return Combinators.combine(prefix, atoms, lengths(MAX_ATTRIBUTE_CHARS), spoiler, mixes()).as((p, a, length, spoil, mix) -> {
      int n = Math.max(1, length - p.length());
      String s = p + (mix == 0 ? cycle(a, n) : mix(a, n, mix)) + spoil.get1();
      // without a prefix the text may read as a scheme ("a:", valid in RFC 3986 but refused by java.net.URI, which
      // Surge uses) or as an authority ("//..."): leave those verdicts to Surge
      Verdict shape = p.isEmpty() ? Verdict.EDGY : Verdict.VALID;
      return (Value) new Str(s, spoil.get2() == Verdict.VALID ? sized(s).and(shape) : spoil.get2().and(shape));
    });
  }

  static Arbitrary<Value> dataschema() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("https://example.com/schema.json", "urn:example:schema:1", "http://h/s?v=2")
            .map(s -> new Str(s, Verdict.VALID))),
        Tuple.of(1, Arbitraries.of("/relative/schema", "https://example.com/s#frag", "schema.json", "https://ex.com/ü")
            .map(s -> new Str(s, Verdict.INVALID))));
  }

  static Arbitrary<Value> datacontenttype() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of("application/json", "application/json; charset=utf-8", "text/plain",
            "text/plain; charset=utf-8", "application/octet-stream", "application/xml", "text/xml",
            "application/vnd.acme.order+json", "image/png", "Application/JSON").map(s -> new Str(s, Verdict.VALID))),
        // a binary-mode Content-Type naming a CloudEvents format switches the HTTP binding to another mode
        Tuple.of(1, Arbitraries.of("application/cloudevents+json").map(s -> new Str(s, Verdict.EDGY))),
        Tuple.of(1, Arbitraries.of("text", "application/", "json", "a b/c", "/plain").map(s -> new Str(s, Verdict.INVALID))));
  }

  // --- time

  static Arbitrary<Value> time() {
    return Arbitraries.frequencyOf(Tuple.of(6, validTime()), Tuple.of(1, invalidTime()));
  }

  /** RFC 3339 date-times: years 0000-9999, leap seconds, up to 12 fraction digits, offsets up to ±23:59. */
  static Arbitrary<Value> validTime() {
    Arbitrary<int[]> date = Combinators.combine(Arbitraries.integers().between(0, 9999),
        Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 31))
        .as((y, m, d) -> new int[] {y, m, Math.min(d, daysIn(y, m))});
    Arbitrary<int[]> clock = Combinators.combine(Arbitraries.integers().between(0, 23),
        Arbitraries.integers().between(0, 59), Arbitraries.integers().between(0, 60))
        .as((h, m, s) -> new int[] {h, m, s});
    Arbitrary<String> fraction = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("")),
        Tuple.of(2, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(12).map(f -> "." + f)));
    int maxOffsetHours = KNOWN_BUGS ? 23 : 17;
    Arbitrary<String> offset = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of("Z", "z", "+00:00", "-00:00")),
        Tuple.of(3, Combinators.combine(Arbitraries.of("+", "-"), Arbitraries.integers().between(0, maxOffsetHours),
            Arbitraries.integers().between(0, 59)).as((sign, h, m) -> String.format("%s%02d:%02d", sign, h, m))));
    return Combinators.combine(date, clock, Arbitraries.of("T", "t"), fraction, offset)
        .as((d, c, t, f, o) -> new Str(String.format("%04d-%02d-%02d%s%02d:%02d:%02d%s%s",
            d[0], d[1], d[2], t, c[0], c[1], c[2], f, o), Verdict.VALID));
  }

  static Arbitrary<Value> invalidTime() {
    return Arbitraries.of("2026-01-01T24:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
            "2026-04-31T00:00:00Z", "2023-02-29T00:00:00Z", "2026-01-01T00:00:61Z", "2026-01-01T00:60:00Z",
            "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+05:60", "2026-01-01T00:00Z", "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:00", "2026-1-1T00:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zjunk",
            "2026-01-01T00:00:00+0100", "now", "", "+12026-01-01T00:00:00Z", "2026-01-01T00:00:00,5Z",
            "２０２６-01-01T00:00:00Z")
        .map(s -> new Str(s, Verdict.INVALID));
  }

  static int daysIn(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  // --- extensions

  static Arbitrary<List<Attribute>> extensions() {
    Arbitrary<String> validName = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789")
        .ofMinLength(1).ofMaxLength(30).filter(n -> !CORE.contains(n));
    Arbitrary<Tuple.Tuple2<String, Verdict>> name = Arbitraries.frequencyOf(
        Tuple.of(20, validName.map(n -> Tuple.of(n, Verdict.VALID))),
        // binary HTTP lowercases header names, so an uppercase name is valid there and nowhere else
        Tuple.of(1, validName.map(n -> Tuple.of(n + "X", Verdict.EDGY))),
        Tuple.of(1, validName.map(n -> Tuple.of(n + "_x", Verdict.INVALID))),
        Tuple.of(1, validName.map(n -> Tuple.of("x-" + n, Verdict.INVALID))));
    Arbitrary<Value> value = Arbitraries.frequencyOf(
        Tuple.of(6, text(KNOWN_BUGS ? 2000 : 900)),
        Tuple.of(3, Arbitraries.integers()
            .map(i -> new Literal(Integer.toString(i), Verdict.VALID))),
        Tuple.of(2, Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, 0, -1)
            .map(i -> new Literal(Integer.toString(i), Verdict.VALID))),
        Tuple.of(2, Arbitraries.of("true", "false").map(b -> new Literal(b, Verdict.VALID))),
        Tuple.of(1, Arbitraries.just(new Literal("null", Verdict.VALID))),
        // no integers in 32 bits, no numbers at all, objects: invalid in JSON, fine as binary-mode strings
        Tuple.of(1, Arbitraries.of("2147483648", "-2147483649", "1.5", "1e3", "-0.0", "{}", "[1]")
            .map(s -> new Literal(s, Verdict.EDGY))));
    Arbitrary<Attribute> extension = Combinators.combine(name, value)
        // JSON null means absent, and binary mode sends no header for it: then the name does not matter
        .as((n, v) -> new Attribute(n.get1(), v, v.canonical() == null ? v.verdict() : n.get2().and(v.verdict())));
    Arbitrary<List<Attribute>> few = extension.list().ofMaxSize(6).uniqueElements(Attribute::name);
    Arbitrary<List<Attribute>> many = extension.list().ofMinSize(7).ofMaxSize(40).uniqueElements(Attribute::name)
        .map(list -> list.stream().map(a -> a.verdict() == Verdict.VALID
            ? new Attribute(a.name(), a.value(), Verdict.EDGY) : a).toList()); // 40 headers may pass a header limit
    return Arbitraries.frequencyOf(Tuple.of(8, few), Tuple.of(1, many));
  }

  // --- data

  @SuppressWarnings("unchecked")
  static Arbitrary<Data> data() {
    List<Tuple.Tuple2<Integer, Arbitrary<Data>>> choices = new ArrayList<>(List.of(
        Tuple.of(3, Arbitraries.just(new NoData())),
        Tuple.of(8, jsonData()),
        Tuple.of(3, textData()),
        Tuple.of(3, base64Data()),
        Tuple.of(1, Combinators.combine(jsonData(), base64Data())
            .as((d, b) -> (Data) new BothData((JsonData) d, (Base64Data) b)))));
    if (KNOWN_BUGS) {
      choices.add(Tuple.of(1, overlongData()));
    }
    return Arbitraries.frequencyOf(choices.toArray(Tuple.Tuple2[]::new));
  }

  private record Json(String text, Verdict verdict) {}

  /** JSON scalars at the edges: numbers jsonb may not hold, odd strings, literals. */
  @SuppressWarnings("unchecked")
  private static Arbitrary<Json> scalar() {
    List<Tuple.Tuple2<Integer, Arbitrary<Json>>> choices = new ArrayList<>(List.of(
        Tuple.of(4, Arbitraries.integers().map(i -> new Json(Integer.toString(i), Verdict.VALID))),
        Tuple.of(2, Arbitraries.of("0", "-0", "0.0", "-0.0", "1.5", "1e-400", "1e308", "1.7976931348623157e309",
            "123456789012345678901234567890", "-9223372036854775809", "0.1e-16382", "5e-324", "4.9e-325",
            "1E+2", "1e131071").map(n -> new Json(n, Verdict.VALID))),
        Tuple.of(1, Arbitraries.of("true", "false", "null").map(l -> new Json(l, Verdict.VALID))),
        Tuple.of(4, jsonStringValue())));
    if (KNOWN_BUGS) {
      choices.add(Tuple.of(1, Arbitraries.of("1e1000000", "-1e1000000", "1e-1000000", "1e131073", "1e-16400")
          .map(n -> new Json(n, Verdict.EDGY))));
    }
    return Arbitraries.frequencyOf(choices.toArray(Tuple.Tuple2[]::new));
  }

  private static Arbitrary<Json> jsonStringValue() {
    List<String> atoms = new ArrayList<>(VALID_ATOMS);
    atoms.addAll(List.of("\u0001", "\n", "\u007f", "\u0000"));
    Arbitrary<String> oddAtoms = KNOWN_BUGS ? Arbitraries.of("\ud800", "\udc00", "\uffff", "\ufdd0")
        : Arbitraries.of("\uffff", "\ufdd0");
    Arbitrary<String> spoiler = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("")), Tuple.of(1, oddAtoms));
    return Combinators.combine(Arbitraries.of(atoms).list().ofMinSize(1).ofMaxSize(5),
            Arbitraries.integers().between(0, 300), spoiler)
        .as((a, length, spoil) -> new Json(new String(Wire.jsonString(cycle(a, length) + spoil), StandardCharsets.UTF_8),
            // noncharacters and lone surrogates in data: jsonb's business; refusing or storing bytes is fine too
            spoil.isEmpty() ? Verdict.VALID : Verdict.EDGY));
  }

  /** Objects and arrays of scalars, wrapped in up to ~70 levels of nesting (the event itself is one more). */
  static Arbitrary<Data> jsonData() {
    Arbitrary<Json> flat = Arbitraries.frequencyOf(
        Tuple.of(2, scalar()),
        Tuple.of(2, scalar().list().ofMaxSize(8).map(list -> new Json(
            "[" + String.join(",", list.stream().map(Json::text).toList()) + "]", worst(list)))),
        Tuple.of(2, scalar().list().ofMaxSize(8).map(list -> {
          StringBuilder sb = new StringBuilder("{");
          for (int i = 0; i < list.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(list.get(i).text());
          }
          return new Json(sb.append('}').toString(), worst(list));
        })));
    Arbitrary<Integer> depth = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(0)),
        Tuple.of(2, Arbitraries.integers().between(1, 30)),
        Tuple.of(1, Arbitraries.of(58, 60, 61, 62, 63, 64, 65, 70)));
    return Combinators.combine(flat, depth, Arbitraries.of("[", "{\"n\":")).as((json, d, open) -> {
      String close = open.equals("[") ? "]" : "}";
      String text = open.repeat(d) + json.text() + close.repeat(d);
      // the event object is one level; Surge reads 64 (ingest.maxJsonDepth) and may refuse what is deeper
      Verdict verdict = json.verdict().and(d <= 60 ? Verdict.VALID : Verdict.EDGY);
      String summary = (d == 0 ? "" : "nested " + d + " deep: ") + Wire.describe(json.text());
      return new JsonData(text.getBytes(StandardCharsets.UTF_8), verdict, summary);
    });
  }

  private static Verdict worst(List<Json> list) {
    return list.stream().map(Json::verdict).reduce(Verdict.VALID, Verdict::and);
  }

  /** A JSON string as data, small or up to 100 KB (under ingest.maxEventBytes with the attributes). */
  static Arbitrary<Data> textData() {
    return Combinators.combine(Arbitraries.of(VALID_ATOMS).list().ofMinSize(1).ofMaxSize(5),
        Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.integers().between(0, 100)),
            Tuple.of(1, Arbitraries.integers().between(101, 100_000))))
        .as((a, length) -> {
          String text = length == 0 ? "" : cycle(a, length);
          return new JsonData(Wire.jsonString(text), Verdict.VALID, "string " + Wire.describe(text));
        });
  }

  static Arbitrary<Data> base64Data() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.bytes().array(byte[].class).ofMaxSize(2000)
            .map(b -> new Base64Data(b, null, Verdict.VALID))),
        Tuple.of(1, Arbitraries.of("!!!", "abc", "YQ", "YQ=", "Y Q==", "YQ==YQ==")
            .map(s -> new Base64Data(s.getBytes(StandardCharsets.US_ASCII), s, Verdict.EDGY))));
  }

  /** Strings holding bytes that are not UTF-8: overlong '/', a stray continuation byte, an encoded surrogate. */
  static Arbitrary<Data> overlongData() {
    return Arbitraries.of(new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
            new byte[] {(byte) 0xff})
        .map(b -> {
          byte[] json = new RawUtf8(b).json();
          return new JsonData(json, Verdict.EDGY, "string of bytes " + Wire.hex(b));
        });
  }

  /** An attribute whose string is not UTF-8 (for the regression tests). */
  static Value rawUtf8(byte[] bytes) {
    return new RawUtf8(bytes);
  }

  static byte[] base64(String text) {
    return Base64.getDecoder().decode(text);
  }
}
