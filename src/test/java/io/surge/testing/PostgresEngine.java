package io.surge.testing;

import io.surge.dev.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The one place integration tests get Postgres: the server named by {@code SURGE_PG_URL} when set, else one
 * embedded server shared by the test JVM. Each test gets a database of its own (Surge creates it on start).
 */
public final class PostgresEngine {
  private static String baseUrl;

  private PostgresEngine() {}

  /** A URL naming a fresh database on the shared server. */
  public static synchronized String freshDatabaseUrl() {
    if (baseUrl == null) {
      String external = System.getenv("SURGE_PG_URL");
      baseUrl = external != null && !external.isBlank() ? external : startShared();
    }
    return withDatabase(baseUrl, "surge_it_" + UUID.randomUUID().toString().substring(0, 8));
  }

  static String withDatabase(String url, String database) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getRawAuthority() + "/" + database;
  }

  private static String startShared() {
    Private pg = startPrivate();
    Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
    return pg.url("postgres");
  }

  /** A server of the caller's own, for tests that stop and restart it; keeps its data across restarts. */
  public static Private startPrivate() {
    try {
      Path dir = Files.createTempDirectory("surge-pg");
      Private pg = new Private(dir, FreePorts.pick());
      pg.start();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static final class Private {
    private final Path dir;
    private final int port;
    private EmbeddedPostgres server;

    Private(Path dir, int port) {
      this.dir = dir;
      this.port = port;
    }

    public String url(String database) {
      return "postgresql://postgres@127.0.0.1:" + port + "/" + database;
    }

    public synchronized void start() {
      try {
        server = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public synchronized void stop() {
      try {
        if (server != null) {
          server.close();
          server = null;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
