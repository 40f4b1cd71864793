package io.surge.query;

import io.surge.http.Problems;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque keyset cursor of {@code GET /v1/events}: the (ts, seq) of the last event of a page. */
record Cursor(long tsMicros, long seq) {
  String encode() {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((tsMicros + ":" + seq).getBytes(StandardCharsets.US_ASCII));
  }

  static Cursor decode(String value) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII);
      int colon = plain.indexOf(':');
      return new Cursor(Long.parseLong(plain.substring(0, colon)), Long.parseLong(plain.substring(colon + 1)));
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
      throw Problems.badParameter("cursor", "cursor is not one this server issued");
    }
  }
}
