package io.surge.db;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS of the Postgres clients from the URL's libpq parameters, as a managed Postgres needs it. */
class PostgresOptionsTest {

  @Test
  void noSslModeIsPlainText() {
    PgConnectOptions options = Postgres.options("postgresql://postgres@127.0.0.1:5432/surge");

    assertEquals(SslMode.DISABLE, options.getSslMode());
    assertEquals("surge", options.getDatabase());
  }

  @Test
  void requireWithoutACaEncryptsButTrustsAnyServerAsLibpqDoes() {
    PgConnectOptions options = Postgres.options("postgresql://u@db.example/surge?sslmode=require");

    assertEquals(SslMode.REQUIRE, options.getSslMode());
    assertTrue(options.getSslOptions().isTrustAll());
  }

  @Test
  void verifyFullChecksTheChainAgainstTheCaFileAndTheHostName() {
    PgConnectOptions options = Postgres.options(
        "postgresql://u:pw@db.example:6543/surge?sslmode=verify-full&sslrootcert=/etc/surge/ca.pem");

    assertEquals(SslMode.VERIFY_FULL, options.getSslMode());
    assertEquals("db.example", options.getHost());
    assertEquals(6543, options.getPort());
    assertFalse(options.getSslOptions().isTrustAll());
    assertEquals("HTTPS", options.getSslOptions().getHostnameVerificationAlgorithm());
    assertEquals(List.of("/etc/surge/ca.pem"), ((PemTrustOptions) options.getSslOptions().getTrustOptions()).getCertPaths());
    assertNull(options.getProperties().get("sslrootcert"), "not a Postgres run-time parameter");
  }

  @Test
  void verifyCaChecksTheChainButNotTheHostName() {
    PgConnectOptions options = Postgres.options("postgresql://u@10.0.0.5/surge?sslmode=verify-ca&sslrootcert=/ca.pem");

    assertEquals(SslMode.VERIFY_CA, options.getSslMode());
    assertFalse(options.getSslOptions().isTrustAll());
    assertNull(options.getSslOptions().getHostnameVerificationAlgorithm());
    assertEquals(List.of("/ca.pem"), ((PemTrustOptions) options.getSslOptions().getTrustOptions()).getCertPaths());
  }
}
