package io.surge.properties;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CloudEvent as the generators made it: attributes and data as raw wire values (so they can be invalid in
 * ways a real JSON library would never write), plus what the CloudEvents spec says about it (its {@link Verdict}).
 * It renders itself into the four ways an event reaches Surge: HTTP or Kafka, structured or binary.
 */
record GeneratedEvent(List<Attribute> attributes, Data data) {

  /** What the spec says of an event, a value or an attribute; the worst part decides for the whole. */
  enum Verdict {
    /** Valid, and small enough that no sane limit refuses it: must be persisted. */
    VALID,
    /** Valid but at a limit (long, deep, huge numbers), or valid in one mode and not in another: refused or persisted. */
    EDGY,
    /** Invalid in every mode: refused at the edge or dead-lettered, never persisted. */
    INVALID;

    Verdict and(Verdict other) {
      return compareTo(other) >= 0 ? this : other;
    }
  }

  /** One attribute: a core attribute or an extension. */
  record Attribute(String name, Value value, Verdict verdict) {
    Attribute(String name, Value value) {
      this(name, value, value.verdict());
    }

    @Override
    public String toString() {
      return name + "=" + value + (verdict == Verdict.VALID ? "" : " [" + verdict + "]");
    }
  }

  /** An attribute value: its JSON text (structured mode) and its canonical string bytes (binary mode). */
  sealed interface Value {
    /** The value as JSON member text, raw bytes (may be invalid UTF-8). */
    byte[] json();

    /** The canonical string as UTF-8-ish bytes for a binary-mode header; null means "absent" (JSON null). */
    byte[] canonical();

    Verdict verdict();
  }

  /** A string; lone surrogates are kept (JSON: a backslash-u escape; binary: their 3-byte WTF-8 form). */
  record Str(String text, Verdict verdict) implements Value {
    @Override
    public byte[] json() {
      return Wire.jsonString(text);
    }

    @Override
    public byte[] canonical() {
      return Wire.wtf8(text);
    }

    @Override
    public String toString() {
      return Wire.describe(text);
    }
  }

  /** No such attribute; still carries a verdict (a missing id is invalid). */
  record Absent(Verdict verdict) implements Value {
    @Override
    public byte[] json() {
      throw new IllegalStateException("an absent attribute has no JSON");
    }

    @Override
    public byte[] canonical() {
      return null;
    }

    @Override
    public String toString() {
      return "<absent>";
    }
  }

  /** Bytes that are not well-formed UTF-8 (overlong forms, stray continuation bytes), sent as a string. */
  record RawUtf8(byte[] bytes) implements Value {
    @Override
    public byte[] json() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write('"');
      out.writeBytes(bytes);
      out.write('"');
      return out.toByteArray();
    }

    @Override
    public byte[] canonical() {
      return bytes;
    }

    @Override
    public Verdict verdict() {
      return Verdict.EDGY;
    }

    @Override
    public String toString() {
      return "raw" + Wire.hex(bytes);
    }
  }

  /** A JSON literal other than a string (number, boolean, null, object): the binding's canonical string is its text. */
  record Literal(String text, Verdict verdict) implements Value {
    @Override
    public byte[] json() {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] canonical() {
      return text.equals("null") ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return text.length() > 60 ? text.substring(0, 60) + "...(" + text.length() + " chars)" : text;
    }
  }

  /** The payload. */
  sealed interface Data {
    Verdict verdict();
  }

  record NoData() implements Data {
    @Override
    public Verdict verdict() {
      return Verdict.VALID;
    }

    @Override
    public String toString() {
      return "no data";
    }
  }

  /** {@code "data": <json>} in structured mode; the same bytes as the body in binary mode. */
  record JsonData(byte[] json, Verdict verdict, String summary) implements Data {
    @Override
    public String toString() {
      return "data " + summary + " [" + verdict + "]";
    }
  }

  /** {@code "data_base64"} in structured mode; the decoded bytes as the body in binary mode. */
  record Base64Data(byte[] bytes, String encoded, Verdict verdict) implements Data {
    @Override
    public String toString() {
      return "data_base64 " + bytes.length + " bytes" + (encoded == null ? "" : " encoded as " + Wire.describe(encoded))
          + " [" + verdict + "]";
    }

    String text() {
      return encoded != null ? encoded : Base64.getEncoder().encodeToString(bytes);
    }
  }

  /** Both {@code data} and {@code data_base64}: invalid in structured mode, impossible to say in binary mode. */
  record BothData(JsonData data, Base64Data base64) implements Data {
    @Override
    public Verdict verdict() {
      return Verdict.EDGY;
    }

    @Override
    public String toString() {
      return "both " + data + " and " + base64;
    }
  }

  Verdict verdict() {
    Verdict v = data.verdict();
    for (Attribute a : attributes) {
      v = v.and(a.verdict());
    }
    return v;
  }

  /** The attribute's value, or null when the event has none of that name. */
  Value attribute(String name) {
    for (Attribute a : attributes) {
      if (a.name().equals(name)) {
        return a.value();
      }
    }
    return null;
  }

  /**
   * The same event with a unique suffix on its id (when the id is a non-empty string), so every send is a new
   * (source, id) and nothing is absorbed as a duplicate of an earlier try.
   */
  GeneratedEvent withUniqueId(String nonce) {
    List<Attribute> renamed = new ArrayList<>(attributes.size());
    for (Attribute a : attributes) {
      if (a.name().equals("id") && a.value() instanceof Str s && !s.text().isEmpty()) {
        renamed.add(new Attribute("id", new Str(s.text() + "~" + nonce, s.verdict()), a.verdict()));
      } else {
        renamed.add(a);
      }
    }
    return new GeneratedEvent(renamed, data);
  }

  /** The same event with attribute {@code name} set to {@code value} (replaced in place, else added). */
  GeneratedEvent with(String name, Value value) {
    List<Attribute> changed = new ArrayList<>(attributes.size() + 1);
    boolean replaced = false;
    for (Attribute a : attributes) {
      if (a.name().equals(name)) {
        changed.add(new Attribute(name, value));
        replaced = true;
      } else {
        changed.add(a);
      }
    }
    if (!replaced) {
      changed.add(new Attribute(name, value));
    }
    return new GeneratedEvent(changed, data);
  }

  GeneratedEvent withData(Data newData) {
    return new GeneratedEvent(attributes, newData);
  }

  // --- rendering

  /** The JSON event format (structured mode), member by member, as raw bytes. */
  byte[] structured() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('{');
    boolean first = true;
    for (Attribute a : attributes) {
      if (!(a.value() instanceof Absent)) {
        first = member(out, first, a.name(), a.value().json());
      }
    }
    if (data instanceof JsonData d) {
      member(out, first, "data", d.json());
    } else if (data instanceof Base64Data b) {
      member(out, first, "data_base64", Wire.jsonString(b.text()));
    } else if (data instanceof BothData both) {
      first = member(out, first, "data", both.data().json());
      member(out, first, "data_base64", Wire.jsonString(both.base64().text()));
    }
    out.write('}');
    return out.toByteArray();
  }

  private static boolean member(ByteArrayOutputStream out, boolean first, String name, byte[] value) {
    if (!first) {
      out.write(',');
    }
    out.writeBytes(Wire.jsonString(name));
    out.write(':');
    out.writeBytes(value);
    return false;
  }

  /** The body of a binary-mode message: the data itself. */
  byte[] binaryBody() {
    if (data instanceof JsonData d) {
      return d.json();
    }
    if (data instanceof Base64Data b) {
      return b.bytes();
    }
    if (data instanceof BothData both) {
      return both.data().json();
    }
    return new byte[0];
  }

  /** The datacontenttype as it travels in a binary-mode content type header, or null. */
  byte[] contentType() {
    Value v = attribute("datacontenttype");
    return v == null ? null : v.canonical();
  }

  /**
   * The {@code ce-*} headers of the HTTP binding, values percent-encoded (http-protocol-binding 3.1.3.2); the
   * datacontenttype is the Content-Type header instead.
   */
  Map<String, String> httpHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Attribute a : attributes) {
      byte[] canonical = a.value().canonical();
      if (canonical == null) {
        continue;
      }
      if (a.name().equals("datacontenttype")) {
        headers.put("Content-Type", new String(canonical, StandardCharsets.ISO_8859_1));
      } else {
        headers.put("ce-" + a.name(), Wire.percentEncode(canonical));
      }
    }
    return headers;
  }

  /** The {@code ce_*} headers of the Kafka binding (raw UTF-8 values); the datacontenttype as content-type. */
  Map<String, byte[]> kafkaHeaders() {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    for (Attribute a : attributes) {
      byte[] canonical = a.value().canonical();
      if (canonical != null) {
        headers.put(a.name().equals("datacontenttype") ? "content-type" : "ce_" + a.name(), canonical);
      }
    }
    return headers;
  }

  @Override
  public String toString() {
    return "event" + attributes + ", " + data;
  }

  /** Encoders the event needs that no library writes: wrong on purpose where the generators asked for it. */
  static final class Wire {
    private Wire() {}

    /** A JSON string: quotes, backslashes, control characters and unpaired surrogates escaped; the rest as UTF-8. */
    static byte[] jsonString(String s) {
      StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          sb.append(c).append(s.charAt(++i));
        } else if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20 || Character.isSurrogate(c)) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      return sb.append('"').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** UTF-8, except that an unpaired surrogate is written in its own 3-byte form (as CESU-8/WTF-8 do). */
    static byte[] wtf8(String s) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
      s.codePoints().forEach(cp -> {
        if (cp < 0x80) {
          out.write(cp);
        } else if (cp < 0x800) {
          out.write(0xc0 | cp >> 6);
          out.write(0x80 | cp & 0x3f);
        } else if (cp < 0x10000) {
          out.write(0xe0 | cp >> 12);
          out.write(0x80 | cp >> 6 & 0x3f);
          out.write(0x80 | cp & 0x3f);
        } else {
          out.write(0xf0 | cp >> 18);
          out.write(0x80 | cp >> 12 & 0x3f);
          out.write(0x80 | cp >> 6 & 0x3f);
          out.write(0x80 | cp & 0x3f);
        }
      });
      return out.toByteArray();
    }

    /** Percent-encodes every byte outside printable ASCII, and space, '"' and '%' (http-protocol-binding 3.1.3.2). */
    static String percentEncode(byte[] bytes) {
      StringBuilder sb = new StringBuilder(bytes.length);
      for (byte b : bytes) {
        int c = b & 0xff;
        if (c > 0x20 && c < 0x7f && c != '"' && c != '%') {
          sb.append((char) c);
        } else {
          sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
              .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
        }
      }
      return sb.toString();
    }

    /** A short, printable description of a possibly huge or odd string, for failure messages. */
    static String describe(String s) {
      StringBuilder sb = new StringBuilder("\"");
      int shown = 0;
      for (int i = 0; i < s.length() && shown < 48; i++, shown++) {
        char c = s.charAt(i);
        if (c >= 0x20 && c < 0x7f) {
          sb.append(c);
        } else {
          sb.append(String.format("\\u%04x", (int) c));
        }
      }
      sb.append('"');
      if (s.length() > 48) {
        sb.append("...(").append(s.length()).append(" chars, ").append(wtf8(s).length).append(" bytes)");
      }
      return sb.toString();
    }

    static String hex(byte[] bytes) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < bytes.length && i < 32; i++) {
        sb.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[i] & 0xff));
      }
      return sb.append(bytes.length > 32 ? " ...(" + bytes.length + " bytes)]" : "]").toString();
    }
  }
}
