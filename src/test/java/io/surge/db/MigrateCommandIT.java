package io.surge.db;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.surge.Surge;
import io.surge.testing.PostgresEngine;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code surge migrate} and the schema checks every start makes, each on a fresh database of the real Postgres. */
@ExtendWith(VertxExtension.class)
class MigrateCommandIT {
  private record Run(int exit, String out, String err) {}

  private String url;
  private Pool db;

  @BeforeEach
  void freshDatabase(Vertx vertx) {
    url = PostgresEngine.freshDatabaseUrl();
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close().await();
    }
  }

  @Test
  void migrateAppliesEveryFileWithItsChecksumAndExitsZero(Vertx vertx) {
    Run run = migrate();

    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("schema at version 2"), run.out());
    List<String> applied = new ArrayList<>();
    for (Row row : db(vertx).query("SELECT version, name, checksum FROM surge_schema_version ORDER BY version").execute().await()) {
      assertEquals(Migrations.checksum(Migrations.read(row.getString("name"))), row.getString("checksum"));
      applied.add(row.getInteger("version") + " " + row.getString("name"));
    }
    assertEquals(List.of("1 V1__events.sql", "2 V2__api_keys.sql"), applied);
  }

  @Test
  void runningTwiceIsANoOp(Vertx vertx) {
    assertEquals(0, migrate().exit());
    String before = versions(vertx);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    log.start();
    root.addAppender(log);

    Run again;
    try {
      again = migrate();
    } finally {
      root.detachAppender(log);
    }

    assertEquals(0, again.exit(), again.err());
    assertEquals(before, versions(vertx), "nothing re-applied");
    // every start migrates: "relation ... already exists, skipping" must not be a warning at every one
    assertEquals(List.of(), log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList(), "warnings of a migration with nothing to do");
  }

  @Test
  void aFileChangedAfterItWasAppliedRefusesNamingTheFile(Vertx vertx) {
    // given a database whose record of V1 has another checksum than this Surge's file
    assertEquals(0, migrate().exit());
    db(vertx).query("UPDATE surge_schema_version SET checksum = 'not-the-file' WHERE version = 1").execute().await();

    // when
    Run run = migrate();
    SchemaMismatchException atStart = assertThrows(SchemaMismatchException.class, () -> Migrations.apply(db(vertx)).await());

    // then both the command and every start refuse, in one line naming the file
    assertEquals(1, run.exit());
    assertOneLine(run.err(), "V1__events.sql");
    assertTrue(atStart.getMessage().contains("V1__events.sql"), atStart::getMessage);
  }

  @Test
  void aSchemaNewerThanThisSurgeRefuses(Vertx vertx) {
    assertEquals(0, migrate().exit());
    db(vertx).query("INSERT INTO surge_schema_version (version, name, checksum) VALUES (99, 'V99__future.sql', 'x')")
        .execute().await();

    Run run = migrate();

    assertEquals(1, run.exit());
    assertOneLine(run.err(), "schema version 99 is newer than this Surge (2); upgrade Surge");
  }

  @Test
  void versionsAppliedBeforeChecksumsWereKeptAreAccepted(Vertx vertx) {
    // given a database migrated by a Surge that kept no checksums
    assertEquals(0, migrate().exit());
    db(vertx).query("ALTER TABLE surge_schema_version DROP COLUMN checksum").execute().await();

    // when
    Run run = migrate();

    // then the column is back, the old versions have no checksum (unknown), and that is accepted
    assertEquals(0, run.exit(), run.err());
    Row v1 = db(vertx).query("SELECT checksum FROM surge_schema_version WHERE version = 1").execute().await()
        .iterator().next();
    assertNull(v1.getString("checksum"));
  }

  @Test
  void anUnreachableDatabaseExitsNonZeroInOneLine() {
    Run run = surge("migrate", "--pg-url", "postgresql://postgres@127.0.0.1:1/nowhere");

    assertEquals(1, run.exit());
    assertOneLine(run.err(), "surge migrate: ");
  }

  private Run migrate() {
    return surge("migrate", "--pg-url", url);
  }

  private static Run surge(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new Surge()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private String versions(Vertx vertx) {
    StringBuilder out = new StringBuilder();
    for (Row row : db(vertx).query("SELECT version, applied_at, checksum FROM surge_schema_version ORDER BY version")
        .execute().await()) {
      out.append(row.getInteger(0)).append(' ').append(row.getValue(1)).append(' ').append(row.getString(2)).append('\n');
    }
    return out.toString();
  }

  private Pool db(Vertx vertx) {
    if (db == null) {
      db = Postgres.pool(vertx, url, 1);
    }
    return db;
  }

  private static void assertOneLine(String err, String expected) {
    assertTrue(err.contains(expected), () -> "should contain " + expected + ": " + err);
    assertFalse(err.strip().contains("\n"), () -> "should be one line: " + err);
  }
}
