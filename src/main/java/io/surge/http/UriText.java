package io.surge.http;

import io.surge.cloudevents.CloudEventString;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of one component of a request's path or query, strict where Vert.x and Netty are lenient:
 * a malformed escape, escaped bytes that are not UTF-8 (Netty would put U+FFFD in their place) and text
 * Surge cannot store or look up (Postgres text holds no NUL) all make it invalid.
 */
final class UriText {
  private UriText() {}

  /**
   * The decoded text of {@code raw[from, to)}, or null when it is not valid. {@code plusIsSpace} for the query,
   * which is form-encoded.
   */
  static String decode(String raw, int from, int to, boolean plusIsSpace) {
    boolean plain = true;
    for (int i = from; i < to; i++) {
      char c = raw.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return null; // RFC 3986: anything else is sent percent-encoded
      }
      plain &= c != '%' && !(plusIsSpace && c == '+');
    }
    return plain ? raw.substring(from, to) : decodeEscapes(raw, from, to, plusIsSpace);
  }

  /** Whether {@link #decode} would succeed, without allocating for the common case of nothing to decode. */
  static boolean isValid(String raw, int from, int to, boolean plusIsSpace) {
    for (int i = from; i < to; i++) {
      char c = raw.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
      if (c == '%') {
        return decodeEscapes(raw, from, to, plusIsSpace) != null;
      }
    }
    return true;
  }

  /** Whether {@code raw[from, to)} is percent-encoding at all: printable ASCII, every % followed by two hex digits. */
  static boolean isPercentEncoded(String raw, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = raw.charAt(i);
      if (c <= 0x20 || c >= 0x7f
          || c == '%' && (i + 2 >= to || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0)) {
        return false;
      }
    }
    return true;
  }

  private static String decodeEscapes(String raw, int from, int to, boolean plusIsSpace) {
    byte[] bytes = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < to ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          return null;
        }
        bytes[n++] = (byte) (hi << 4 | lo);
        i += 2;
      } else {
        bytes[n++] = (byte) (plusIsSpace && c == '+' ? ' ' : c);
      }
    }
    String text;
    try {
      // newDecoder() reports malformed input instead of replacing it
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    return CloudEventString.isValid(text) ? text : null;
  }
}
