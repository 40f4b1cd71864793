package io.surge.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.surge.cloudevents.CloudEvent;
import io.surge.cloudevents.DataForm;
import io.surge.cloudevents.StructuredWriter;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** An events row read back: the event, how its data is given back, and its (ts, seq) position. */
record EventRow(CloudEvent event, DataForm dataForm, OffsetDateTime ts, long seq) {
  /** The select list every query uses; {@link #from} reads it. */
  static final String COLUMNS = "seq, source, id, type, specversion, datacontenttype, dataschema, subject, time, ts, "
      + "extensions::text, data_json::text, data_bytes";
  private static final JsonFactory JSON = new JsonFactory();

  static EventRow from(Row row) {
    String dataJson = row.getString(11);
    Buffer bytes = row.getBuffer(12);
    byte[] data = dataJson != null ? dataJson.getBytes(StandardCharsets.UTF_8) : bytes == null ? null : bytes.getBytes();
    CloudEvent event = new CloudEvent(row.getString(2), row.getString(1), row.getString(4), row.getString(3),
        row.getString(5), row.getString(6), row.getString(7), row.getString(8), extensions(row.getString(10)), data);
    DataForm form = data == null ? null : dataJson != null ? DataForm.JSONB : DataForm.ofStoredBytes(event.datacontenttype(), data);
    return new EventRow(event, form, row.getOffsetDateTime(9), row.getLong(0));
  }

  byte[] structured() {
    return StructuredWriter.write(event, dataForm);
  }

  private static Map<String, Object> extensions(String json) {
    Map<String, Object> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(json)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        out.put(name, switch (t) {
          case VALUE_NUMBER_INT -> p.getIntValue();
          case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
          default -> p.getText();
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
