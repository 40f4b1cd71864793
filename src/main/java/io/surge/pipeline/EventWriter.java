package io.surge.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.surge.cloudevents.CloudEvent;
import io.surge.cloudevents.DataForm;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Persists a batch of events in one statement: the columns go as arrays through {@code unnest}, duplicates of
 * (tenant, source, id) are skipped, and the same statement notifies {@value #CHANNEL} with the batch's highest
 * offset per partition of the events topic, delivered only when the rows are committed.
 */
public final class EventWriter {
  public static final String CHANNEL = "surge_persisted";
  private static final JsonFactory JSON = new JsonFactory();
  private static final String INSERT = """
      WITH watermark AS (SELECT pg_notify('surge_persisted', $18)),
      inserted AS (
        INSERT INTO events (tenant, source, id, type, specversion, datacontenttype, dataschema, subject, time, ts,
                            extensions, data_json, data_bytes, received_at, kafka_topic, kafka_partition, kafka_offset)
        SELECT t, s, i, ty, sv, dct, ds, sub, tm, ts, ext::jsonb, dj::jsonb, db, ra, kt, kp, ko
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                    $9::text[], $10::timestamptz[], $11::text[], $12::text[], $13::bytea[], $14::timestamptz[],
                    $15::text[], $16::int[], $17::bigint[])
             AS u(t, s, i, ty, sv, dct, ds, sub, tm, ts, ext, dj, db, ra, kt, kp, ko)
        ON CONFLICT (tenant, source, id) DO NOTHING
        RETURNING seq, tenant, source, id)
      SELECT inserted.seq, inserted.tenant, inserted.source, inserted.id FROM watermark LEFT JOIN inserted ON true
      """;
  /**
   * The rows that hold these records (same key and same Kafka coordinates), whichever attempt inserted them: a
   * retry after a timeout must not miss the rows of a first attempt that committed after all.
   */
  private static final String OURS = """
      SELECT e.seq, e.tenant, e.source, e.id
      FROM events e JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[])
                         AS u(t, s, i, kt, kp, ko)
        ON e.tenant = u.t AND e.source = u.s AND e.id = u.i
      WHERE e.kafka_topic = u.kt AND e.kafka_partition = u.kp AND e.kafka_offset = u.ko
      """;

  private final Pool pool;

  public EventWriter(Pool pool) {
    this.pool = pool;
  }

  /** An event that this batch inserted (not a duplicate), with its row's seq. */
  public record Persisted(StoredEvent stored, long seq) {}

  /**
   * Inserts the events and publishes {@code watermarks} ("partition:offset,..." of the events topic, see
   * {@link PersistedWatermark}); the new rows, duplicates left out.
   */
  public Future<List<Persisted>> write(List<StoredEvent> events, String watermarks) {
    return pool.preparedQuery(INSERT).execute(parameters(events, watermarks)).map(rows -> persisted(events, rows));
  }

  /**
   * {@link #write} again after a failed or timed-out attempt: the rows of these records, also those an earlier
   * attempt committed (only those are new to the cache; duplicates from other records stay out).
   */
  public Future<List<Persisted>> rewrite(List<StoredEvent> events, String watermarks) {
    return pool.preparedQuery(INSERT).execute(parameters(events, watermarks))
        .compose(v -> pool.preparedQuery(OURS).execute(coordinates(events)))
        .map(rows -> persisted(events, rows));
  }

  /** Publishes a batch's watermarks on their own, after its events went in as pieces that carried none. */
  public Future<Void> announce(String watermarks) {
    return pool.preparedQuery("SELECT pg_notify('" + CHANNEL + "', $1)").execute(Tuple.of(watermarks)).mapEmpty();
  }

  private static List<Persisted> persisted(List<StoredEvent> events, RowSet<Row> rows) {
    Map<String, StoredEvent> byKey = new HashMap<>(events.size() * 2);
    for (StoredEvent e : events) {
      byKey.putIfAbsent(key(e.tenant(), e.event().source(), e.event().id()), e);
    }
    List<Persisted> persisted = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Long seq = row.getLong(0); // null on the one row of a batch that inserted nothing
      if (seq != null) {
        persisted.add(new Persisted(byKey.get(key(row.getString(1), row.getString(2), row.getString(3))), seq));
      }
    }
    return persisted;
  }

  private static Tuple coordinates(List<StoredEvent> events) {
    int n = events.size();
    String[] tenant = new String[n], source = new String[n], id = new String[n], topic = new String[n];
    Integer[] partition = new Integer[n];
    Long[] offset = new Long[n];
    for (int i = 0; i < n; i++) {
      StoredEvent s = events.get(i);
      tenant[i] = s.tenant();
      source[i] = s.event().source();
      id[i] = s.event().id();
      topic[i] = s.topic();
      partition[i] = s.partition();
      offset[i] = s.offset();
    }
    return Tuple.from(new Object[] {tenant, source, id, topic, partition, offset});
  }

  private static String key(String tenant, String source, String id) {
    return tenant + '\u0000' + source + '\u0000' + id;
  }

  private static Tuple parameters(List<StoredEvent> events, String watermarks) {
    int n = events.size();
    String[] tenant = new String[n], source = new String[n], id = new String[n], type = new String[n];
    String[] specversion = new String[n], contentType = new String[n], schema = new String[n], subject = new String[n];
    String[] time = new String[n], extensions = new String[n], dataJson = new String[n], topic = new String[n];
    OffsetDateTime[] ts = new OffsetDateTime[n], received = new OffsetDateTime[n];
    Buffer[] dataBytes = new Buffer[n];
    Integer[] partition = new Integer[n];
    Long[] offset = new Long[n];
    for (int i = 0; i < n; i++) {
      StoredEvent s = events.get(i);
      CloudEvent e = s.event();
      tenant[i] = s.tenant();
      source[i] = e.source();
      id[i] = e.id();
      type[i] = e.type();
      specversion[i] = e.specversion();
      contentType[i] = e.datacontenttype();
      schema[i] = e.dataschema();
      subject[i] = e.subject();
      time[i] = e.time();
      ts[i] = s.ts();
      extensions[i] = extensionsJson(e.extensions());
      if (e.data() != null) {
        if (s.dataForm() == DataForm.JSONB) {
          dataJson[i] = new String(e.data(), StandardCharsets.UTF_8);
        } else {
          dataBytes[i] = Buffer.buffer(e.data());
        }
      }
      received[i] = s.receivedAt();
      topic[i] = s.topic();
      partition[i] = s.partition();
      offset[i] = s.offset();
    }
    return Tuple.from(new Object[] {tenant, source, id, type, specversion, contentType, schema, subject, time, ts,
        extensions, dataJson, dataBytes, received, topic, partition, offset, watermarks});
  }

  static String extensionsJson(Map<String, Object> extensions) {
    if (extensions.isEmpty()) {
      return "{}";
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<String, Object> e : extensions.entrySet()) {
        g.writeFieldName(e.getKey());
        Object v = e.getValue();
        if (v instanceof Integer i) {
          g.writeNumber(i);
        } else if (v instanceof Boolean b) {
          g.writeBoolean(b);
        } else {
          g.writeString(v.toString());
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
