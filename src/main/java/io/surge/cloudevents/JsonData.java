package io.surge.cloudevents;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;

/**
 * Decides whether event data is JSON, and whether Postgres jsonb can store it as it is: jsonb refuses
 * {@code \u0000}, lone surrogate escapes and numbers beyond numeric's range, where JSON itself does not.
 */
public final class JsonData {
  /** jsonb's numeric: at most 16383 digits after the point, 131072 before it (PostgreSQL 14 and later). */
  private static final int MAX_SCALE = 16_383;
  private static final int MAX_WEIGHT = 131_072;
  /** Far inside every server's limit, so the rule holds whatever Postgres version parses the exponent. */
  private static final int MAX_EXPONENT = 1000;
  /** Deeper than this, Postgres's parser may run out of stack; such data is kept as bytes. */
  private static final int MAX_DEPTH = 1000;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(Integer.MAX_VALUE).build())
      .build();

  private JsonData() {}

  /** True when {@code data} is one complete JSON value in strict UTF-8. */
  public static boolean isJson(byte[] data) {
    return check(data, false);
  }

  /** True when {@code data} is JSON that jsonb stores without refusing it (see the class comment). */
  public static boolean isJsonb(byte[] data) {
    return check(data, true);
  }

  private static boolean check(byte[] data, boolean jsonb) {
    if (data == null || data.length == 0 || !Utf8.isValid(data)) {
      return false;
    }
    try (JsonParser p = FACTORY.createParser(data)) {
      if (p.nextToken() == null) {
        return false;
      }
      int depth = 0;
      do {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          depth++;
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
        } else if (jsonb && !storable(p, t)) {
          return false;
        }
      } while (depth > 0 && p.nextToken() != null);
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean storable(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case FIELD_NAME, VALUE_STRING -> isJsonbText(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
          isNumericInRange(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      default -> true;
    };
  }

  /** No NUL and no lone surrogate: what {@code \u0000} and {@code \ud800} escapes decode to. */
  static boolean isJsonbText(char[] chars, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      char c = chars[i];
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == end || !Character.isLowSurrogate(chars[i + 1])) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** A JSON number (already well-formed) that numeric can hold, counted on its digits as written. */
  static boolean isNumericInRange(char[] chars, int offset, int length) {
    int i = offset;
    int end = offset + length;
    if (chars[i] == '-') {
      i++;
    }
    int integerDigits = 0;
    while (i < end && chars[i] >= '0' && chars[i] <= '9') {
      integerDigits++;
      i++;
    }
    int fractionDigits = 0;
    if (i < end && chars[i] == '.') {
      for (i++; i < end && chars[i] >= '0' && chars[i] <= '9'; i++) {
        fractionDigits++;
      }
    }
    long exponent = 0;
    if (i < end && (chars[i] == 'e' || chars[i] == 'E')) {
      i++;
      int sign = 1;
      if (chars[i] == '-' || chars[i] == '+') {
        sign = chars[i] == '-' ? -1 : 1;
        i++;
      }
      for (; i < end; i++) {
        exponent = exponent * 10 + (chars[i] - '0');
        if (exponent > MAX_EXPONENT) {
          return false;
        }
      }
      exponent *= sign;
    }
    return fractionDigits - exponent <= MAX_SCALE && integerDigits + exponent <= MAX_WEIGHT;
  }
}
