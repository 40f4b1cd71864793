package io.surge.ingest;

import io.surge.cloudevents.EventDraft;
import io.vertx.core.MultiMap;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** The CloudEvents HTTP protocol binding, binary content mode (bindings/http-protocol-binding.md, 3.1). */
final class HttpBinding {
  static final String SPECVERSION_HEADER = "ce-specversion";

  private HttpBinding() {}

  /** Attributes from {@code ce-*} headers, datacontenttype from Content-Type, the body as data. */
  static EventDraft readBinary(MultiMap headers, byte[] body) {
    EventDraft draft = new EventDraft();
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey();
      if (name.length() > 3 && name.regionMatches(true, 0, "ce-", 0, 3)) {
        String attribute = name.substring(3).toLowerCase(Locale.ROOT);
        if (attribute.equals("datacontenttype")) {
          draft.problem("binary mode carries datacontenttype in Content-Type; ce-datacontenttype must not be sent");
          continue;
        }
        String value = decodeHeaderValue(header.getValue());
        if (hasRawNonAscii(header.getValue())) {
          // the codec reads header bytes as ISO-8859-1: raw UTF-8 would be stored garbled, unlike the same text
          // in structured mode, so it is refused; the binding wants it percent-encoded (3.1.3.2)
          draft.problem("header '" + name + "' has raw non-ASCII bytes; percent-encode its UTF-8");
        } else if (value == null) {
          draft.problem("header '" + name + "' is not valid percent-encoded UTF-8");
        } else {
          draft.attribute(attribute, value);
        }
      }
    }
    String contentType = headers.get("Content-Type");
    if (contentType != null) {
      draft.attribute("datacontenttype", contentType);
    }
    return draft.data(body.length == 0 ? null : body);
  }

  /**
   * Unquotes an RFC 7230 quoted-string, then percent-decodes once into strict UTF-8 (3.1.3.2); null when invalid.
   */
  static String decodeHeaderValue(String value) {
    if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
      value = unquote(value);
      if (value == null) {
        return null;
      }
    }
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteBuffer bytes = ByteBuffer.allocate(value.length() * 3);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        if (i + 2 >= value.length()) {
          return null;
        }
        int hi = Character.digit(value.charAt(i + 1), 16);
        int lo = Character.digit(value.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.put((byte) (hi << 4 | lo));
        i += 2;
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes.flip())
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean hasRawNonAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) >= 0x80) {
        return true;
      }
    }
    return false;
  }

  private static String unquote(String quoted) {
    StringBuilder out = new StringBuilder(quoted.length());
    for (int i = 1; i < quoted.length() - 1; i++) {
      char c = quoted.charAt(i);
      if (c == '\\') {
        if (++i == quoted.length() - 1) {
          return null;
        }
        c = quoted.charAt(i);
      } else if (c == '"') {
        return null;
      }
      out.append(c);
    }
    return out.toString();
  }
}
