package io.surge.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Keeps secrets out of logs, error lines and printed configuration: passwords in URLs, bearer tokens, secret keys. */
public final class Redaction {
  private static final Pattern URL_PASSWORD = Pattern.compile("(?<=://)([^:/@\\s]*):[^@/\\s]*@");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)\\S+");
  private static final Pattern JAAS_PASSWORD = Pattern.compile("(?i)(password\\s*=\\s*)(\"[^\"]*\"|\\S+)");
  public static final String HIDDEN = "<hidden>";

  private Redaction() {}

  /** {@code postgresql://surge:secret@db/x} becomes {@code postgresql://surge:***@db/x}; bearer tokens become ***. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = URL_PASSWORD.matcher(text).replaceAll("$1:***@");
    out = JAAS_PASSWORD.matcher(out).replaceAll("$1***");
    return BEARER.matcher(out).replaceAll("$1***");
  }

  /**
   * Whether the whole value of {@code key} is a secret: the bootstrap key, Kafka's {@code sasl.jaas.config},
   * and any key naming a password, a secret or a private key ({@code ssl.key.password},
   * {@code ssl.keystore.key}, {@code sasl.oauthbearer.client.credentials.client.secret}).
   */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.equals("bootstrapkey") || k.endsWith("jaas.config") || k.contains("password") || k.contains("secret")
        || k.endsWith(".key");
  }

  /** The value of {@code key} as it may be shown: {@link #HIDDEN} for a secret, else with URL passwords masked. */
  public static String shown(String key, String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    return isSecret(key) ? HIDDEN : redact(value);
  }
}
