package io.surge.config;

import java.util.Set;

/**
 * {@code pg.sslMode} and {@code pg.sslRootCertPath} merged into the Postgres URL as libpq's {@code sslmode} and
 * {@code sslrootcert} parameters, so the URL alone tells every Postgres client of Surge how to use TLS.
 */
final class PgTls {
  static final Set<String> MODES = Set.of("disable", "require", "verify-ca", "verify-full");

  private PgTls() {}

  static String withTls(ConfigSource s, String url) {
    String mode = s.optionalString("pg.sslMode");
    if (!mode.isEmpty() && !MODES.contains(mode)) {
      throw s.invalid("pg.sslMode", mode, "must be one of disable, require, verify-ca, verify-full (or empty: as pg.url says)");
    }
    String ca = SurgeConfig.readableFile(s, "pg.sslRootCertPath");
    String merged = url;
    if (!mode.isEmpty()) {
      merged = UrlParameters.with(merged, "sslmode", mode);
    }
    if (ca != null) {
      merged = UrlParameters.with(merged, "sslrootcert", ca);
    }
    String effective = UrlParameters.get(merged, "sslmode");
    if (effective != null && effective.startsWith("verify-") && UrlParameters.get(merged, "sslrootcert") == null) {
      String key = mode.isEmpty() ? "pg.url" : "pg.sslMode";
      throw s.invalid(key, mode.isEmpty() ? url : mode, effective + " checks the server against a CA: set pg.sslRootCertPath");
    }
    return merged;
  }
}
