package io.surge.cloudevents;

/**
 * The CloudEvents type "String" (spec.md, Type System): Unicode text with no control characters (C0, DEL, C1),
 * no lone surrogates and no noncharacters. Event attributes obey it, and so do the request parameters that
 * name them, so a filter can name anything an event holds and nothing Postgres text cannot hold (NUL).
 */
public final class CloudEventString {
  private CloudEventString() {}

  public static boolean isValid(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0xfdd0 && c <= 0xfdef) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        int cp = Character.toCodePoint(c, s.charAt(++i));
        if ((cp & 0xfffe) == 0xfffe) {
          return false;
        }
      } else if (Character.isLowSurrogate(c) || (c & 0xfffe) == 0xfffe) {
        return false;
      }
    }
    return true;
  }

}
