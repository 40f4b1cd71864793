package io.surge.cloudevents;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;

/** Decides whether event data can be stored and returned as JSON (Postgres jsonb) rather than as bytes. */
public final class JsonData {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000).build())
      .build();

  private JsonData() {}

  /**
   * True when {@code data} is one complete JSON value that jsonb accepts: well-formed UTF-8 JSON without a
   * {@code \u0000} escape (jsonb rejects NUL in text).
   */
  public static boolean isJsonb(byte[] data) {
    if (data == null || data.length == 0) {
      return false;
    }
    try (JsonParser p = FACTORY.createParser(data)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    return !containsNulEscape(data);
  }

  private static boolean containsNulEscape(byte[] data) {
    for (int i = 0; i + 5 < data.length; i++) {
      if (data[i] == '\\' && data[i + 1] == 'u' && data[i + 2] == '0' && data[i + 3] == '0'
          && data[i + 4] == '0' && data[i + 5] == '0') {
        return true;
      }
    }
    return false;
  }
}
