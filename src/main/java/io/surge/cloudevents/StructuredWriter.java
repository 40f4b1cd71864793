package io.surge.cloudevents;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes an event in the JSON event format ({@code application/cloudevents+json}), its data as {@link DataForm}
 * says.
 */
public final class StructuredWriter {
  public static final String MEDIA_TYPE = "application/cloudevents+json";
  private static final JsonFactory FACTORY = new JsonFactory();

  private StructuredWriter() {}

  /** {@code form}: how the data is given back (null without data). */
  public static byte[] write(CloudEvent event, DataForm form) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (event.data() == null ? 0 : event.data().length));
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writeTo(g, event, form);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static void writeTo(JsonGenerator g, CloudEvent event, DataForm form) throws IOException {
    g.writeStartObject();
    g.writeStringField("specversion", event.specversion());
    g.writeStringField("id", event.id());
    g.writeStringField("source", event.source());
    g.writeStringField("type", event.type());
    optional(g, "datacontenttype", event.datacontenttype());
    optional(g, "dataschema", event.dataschema());
    optional(g, "subject", event.subject());
    optional(g, "time", event.time());
    for (Map.Entry<String, Object> e : event.extensions().entrySet()) {
      Object value = e.getValue();
      if (value instanceof Integer i) {
        g.writeNumberField(e.getKey(), i);
      } else if (value instanceof Boolean b) {
        g.writeBooleanField(e.getKey(), b);
      } else {
        g.writeStringField(e.getKey(), value.toString());
      }
    }
    if (event.data() != null) {
      form.write(g, event.data());
    }
    g.writeEndObject();
  }

  private static void optional(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }
}
