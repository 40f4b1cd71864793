package io.surge.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Applies the versioned SQL files under {@code /db} ({@code V<n>__<name>.sql}), each in its own transaction,
 * under a Postgres advisory lock so that instances starting together apply each file once.
 *
 * <p>Each applied version keeps the SHA-256 of its file: a file edited after it was applied, or a database
 * migrated by a newer Surge, refuses start-up, since this code would then run against a schema it does not know.
 * Versions applied before checksums were kept have none (unknown) and are accepted.
 *
 * <p>A small runner rather than Flyway: Flyway needs JDBC (a blocking driver and a second connection stack
 * beside the reactive client), and this needs 100 lines on the client Surge already uses.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  /** The files in order; a new migration is added here and under src/main/resources/db. */
  static final List<String> FILES = List.of("V1__events.sql", "V2__api_keys.sql");
  private static final long LOCK_KEY = 0x5375726765L; // "Surge"

  private Migrations() {}

  /**
   * Creates the database {@code url} names when it is missing ({@link Postgres#ensureDatabase}), then applies
   * what is missing through {@code pool} (a pool connects lazily, so it may be made before the database exists).
   */
  public static Future<Integer> applyCreatingDatabase(Vertx vertx, String url, Pool pool) {
    return Postgres.ensureDatabase(vertx, url).compose(v -> apply(pool));
  }

  /** The schema version after applying what was missing. */
  public static Future<Integer> apply(Pool pool) {
    // client_min_messages: the IF NOT EXISTS statements below say "already exists, skipping" at every start
    // but the first, which the client would log as a warning; reset before the connection goes back to the pool
    return pool.withConnection(conn -> conn.query("SELECT pg_advisory_lock(" + LOCK_KEY + ")").execute()
        .compose(v -> conn.query("SET client_min_messages TO warning").execute())
        .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS surge_schema_version ("
            + "version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(v -> conn.query("ALTER TABLE surge_schema_version ADD COLUMN IF NOT EXISTS checksum text").execute())
        .compose(v -> conn.query("SELECT version, name, checksum FROM surge_schema_version ORDER BY version").execute())
        .compose(applied -> applyFrom(conn, checked(applied)))
        .eventually(() -> conn.query("RESET client_min_messages; SELECT pg_advisory_unlock(" + LOCK_KEY + ")")
            .execute()));
  }

  /** The newest applied version, once every applied version is known to this Surge and unchanged. */
  private static int checked(RowSet<Row> applied) {
    int latest = version(FILES.get(FILES.size() - 1));
    int current = 0;
    for (Row row : applied) {
      int version = row.getInteger("version");
      if (version > latest) {
        throw new SchemaMismatchException("schema version " + version + " is newer than this Surge (" + latest
            + "); upgrade Surge");
      }
      String file = file(version);
      String checksum = row.getString("checksum");
      if (checksum != null && !checksum.equals(checksum(read(file)))) {
        throw new SchemaMismatchException("migration " + file + " differs from the one applied to this database "
            + "(checksum " + checksum + "); restore the file and put changes in a new migration");
      }
      current = Math.max(current, version);
    }
    return current;
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
    byte[] sql = read(file);
    return conn.begin().compose(tx -> conn.query(new String(sql, StandardCharsets.UTF_8)).execute()
        .compose(v -> conn.preparedQuery("INSERT INTO surge_schema_version (version, name, checksum) VALUES ($1, $2, $3)")
            .execute(Tuple.of(version, file, checksum(sql))))
        .compose(v -> tx.commit())
        .onFailure(e -> tx.rollback())
        .onSuccess(v -> LOG.info("applied migration {}", file))
        .map(version));
  }

  static int version(String file) {
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }

  /** The file of an applied version; a gap in FILES would be a packaging mistake, not an operator's. */
  private static String file(int version) {
    return FILES.stream().filter(f -> version(f) == version).findFirst()
        .orElseThrow(() -> new SchemaMismatchException("schema version " + version + " has no migration file in this Surge"));
  }

  /** Hex SHA-256 of a migration file's bytes. */
  static String checksum(byte[] sql) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sql));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  static byte[] read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/" + file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is not on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
