package io.surge.pipeline;

import io.surge.cloudevents.CloudEvent;
import io.surge.cloudevents.DataForm;
import io.surge.cloudevents.EventDraft;
import io.surge.cloudevents.EventLimits;
import io.surge.db.Migrations;
import io.surge.db.Postgres;
import io.surge.testing.PostgresEngine;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A retry after a timed-out insert that committed after all must still hand its rows to the cache: the rows
 * of the same records, not those of other records with the same key (true duplicates stay out).
 */
@ExtendWith(VertxExtension.class)
class EventWriterIT {
  private static final OffsetDateTime NOW = OffsetDateTime.now(ZoneOffset.UTC);
  private Pool pool;
  private EventWriter writer;

  @BeforeEach
  void start(Vertx vertx) {
    String url = PostgresEngine.freshDatabaseUrl();
    Postgres.ensureDatabase(vertx, url).await();
    pool = Postgres.pool(vertx, url, 2);
    Migrations.apply(pool).await();
    writer = new EventWriter(pool);
  }

  @AfterEach
  void stop() {
    pool.close().await();
  }

  @Test
  void aRewriteReturnsTheRowsAnEarlierAttemptInserted() {
    List<StoredEvent> batch = List.of(stored("a", 10), stored("b", 11));
    List<EventWriter.Persisted> first = writer.write(batch, "").await();
    assertEquals(2, first.size());

    List<EventWriter.Persisted> again = writer.rewrite(batch, "").await();

    assertEquals(first.stream().map(EventWriter.Persisted::seq).sorted().toList(),
        again.stream().map(EventWriter.Persisted::seq).sorted().toList());
    assertTrue(writer.write(batch, "").await().isEmpty(), "a plain write sees them as duplicates");
  }

  @Test
  void aRewriteLeavesOutTheSameKeyFromAnotherRecord() {
    writer.write(List.of(stored("a", 10)), "").await();

    assertTrue(writer.rewrite(List.of(stored("a", 99)), "").await().isEmpty(),
        "the same event read from another offset is a duplicate, already counted");
  }

  private static StoredEvent stored(String id, long offset) {
    CloudEvent event = new EventDraft().attribute("specversion", "1.0").attribute("id", id).attribute("source", "/w")
        .attribute("type", "t").toEvent(EventLimits.DEFAULTS);
    return new StoredEvent("default", event, (DataForm) null, NOW, NOW, "events", 0, offset);
  }
}
