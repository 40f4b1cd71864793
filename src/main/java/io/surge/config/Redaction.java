package io.surge.config;

import java.util.regex.Pattern;

/** Keeps secrets out of logs and error lines: passwords in URLs, bearer tokens. */
public final class Redaction {
  private static final Pattern URL_PASSWORD = Pattern.compile("(?<=://)([^:/@\\s]*):[^@/\\s]*@");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)\\S+");

  private Redaction() {}

  /** {@code postgresql://surge:secret@db/x} becomes {@code postgresql://surge:***@db/x}; bearer tokens become ***. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = URL_PASSWORD.matcher(text).replaceAll("$1:***@");
    return BEARER.matcher(out).replaceAll("$1***");
  }
}
