package io.surge.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Applies the versioned SQL files under {@code /db} ({@code V<n>__<name>.sql}), each in its own transaction,
 * under a Postgres advisory lock so that instances starting together apply each file once.
 *
 * <p>A small runner rather than Flyway: Flyway needs JDBC (a blocking driver and a second connection stack
 * beside the reactive client), and this needs 60 lines on the client Surge already uses.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  /** The files in order; a new migration is added here and under src/main/resources/db. */
  static final List<String> FILES = List.of("V1__events.sql", "V2__api_keys.sql");
  private static final long LOCK_KEY = 0x5375726765L; // "Surge"

  private Migrations() {}

  /** The schema version after applying what was missing. */
  public static Future<Integer> apply(Pool pool) {
    return pool.withConnection(conn -> conn.query("SELECT pg_advisory_lock(" + LOCK_KEY + ")").execute()
        .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS surge_schema_version ("
            + "version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(v -> conn.query("SELECT coalesce(max(version), 0) FROM surge_schema_version").execute())
        .compose(rows -> applyFrom(conn, rows.iterator().next().getInteger(0)))
        .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + LOCK_KEY + ")").execute()));
  }

  private static Future<Integer> applyFrom(SqlConnection conn, int current) {
    Future<Integer> chain = Future.succeededFuture(current);
    for (String file : FILES) {
      int version = version(file);
      if (version > current) {
        chain = chain.compose(v -> applyOne(conn, file, version));
      }
    }
    return chain;
  }

  private static Future<Integer> applyOne(SqlConnection conn, String file, int version) {
    String sql = read(file);
    return conn.begin().compose(tx -> conn.query(sql).execute()
        .compose(v -> conn.preparedQuery("INSERT INTO surge_schema_version (version, name) VALUES ($1, $2)")
            .execute(Tuple.of(version, file)))
        .compose(v -> tx.commit())
        .onFailure(e -> tx.rollback())
        .onSuccess(v -> LOG.info("applied migration {}", file))
        .map(version));
  }

  static int version(String file) {
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/" + file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
