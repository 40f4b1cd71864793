package io.surge.cloudevents;

import java.util.Locale;

/** RFC 9110 media types: {@code type "/" subtype *( OWS ";" OWS [ token "=" ( token / quoted-string ) ] )}. */
public final class MediaType {
  private MediaType() {}

  /** The lowercase {@code type/subtype} without parameters, or null when the value is not a media type. */
  public static String essence(String value) {
    if (value == null) {
      return null;
    }
    int slash = token(value, 0);
    if (slash == 0 || slash >= value.length() || value.charAt(slash) != '/') {
      return null;
    }
    int end = token(value, slash + 1);
    if (end == slash + 1 || !validParameters(value, end)) {
      return null;
    }
    return value.substring(0, end).toLowerCase(Locale.ROOT);
  }

  public static boolean isValid(String value) {
    return essence(value) != null;
  }

  /** JSON media types as json-format 3.1 defines them: a subtype of {@code json} or ending in {@code +json}. */
  public static boolean isJson(String essence) {
    return essence != null && (essence.endsWith("/json") || essence.endsWith("+json"));
  }

  /** The value of parameter {@code name} (lowercase), unquoted, or null. Assumes a valid media type. */
  public static String parameter(String value, String name) {
    int i = value.indexOf(';');
    while (i >= 0 && i < value.length()) {
      i = skipWhitespace(value, i + 1);
      int eq = token(value, i);
      if (eq < value.length() && value.charAt(eq) == '=') {
        String key = value.substring(i, eq);
        int end = eq + 1 < value.length() && value.charAt(eq + 1) == '"' ? quoted(value, eq + 1) : token(value, eq + 1);
        if (key.equalsIgnoreCase(name)) {
          String raw = value.substring(eq + 1, end);
          return raw.startsWith("\"") ? raw.substring(1, raw.length() - 1).replaceAll("\\\\(.)", "$1") : raw;
        }
        i = value.indexOf(';', end);
      } else {
        i = value.indexOf(';', i);
      }
    }
    return null;
  }

  private static boolean validParameters(String value, int i) {
    int n = value.length();
    while (true) {
      i = skipWhitespace(value, i);
      if (i == n) {
        return true;
      }
      if (value.charAt(i) != ';') {
        return false;
      }
      i = skipWhitespace(value, i + 1);
      if (i == n || value.charAt(i) == ';') {
        continue; // empty parameter is allowed
      }
      int eq = token(value, i);
      if (eq == i || eq == n || value.charAt(eq) != '=') {
        return false;
      }
      int end = eq + 1 < n && value.charAt(eq + 1) == '"' ? quoted(value, eq + 1) : token(value, eq + 1);
      if (end < 0 || end == eq + 1) {
        return false;
      }
      i = end;
    }
  }

  /** The index just past a quoted-string starting at {@code start}, or -1 when unterminated or invalid. */
  private static int quoted(String value, int start) {
    for (int i = start + 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        i++;
      } else if (c < 0x20 && c != '\t' || c == 0x7f) {
        return -1;
      }
    }
    return -1;
  }

  private static int token(String value, int i) {
    while (i < value.length() && isTokenChar(value.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipWhitespace(String value, int i) {
    while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isTokenChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
