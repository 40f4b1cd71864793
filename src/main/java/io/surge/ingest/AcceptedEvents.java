package io.surge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.surge.cloudevents.CloudEvent;
import io.vertx.core.buffer.Buffer;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The 202 (or 201) body: where each accepted event now lies in Kafka. */
final class AcceptedEvents {
  private static final JsonFactory JSON = new JsonFactory();

  private AcceptedEvents() {}

  /** {@code persisted} and {@code note} are written when not null (the answer to Prefer: wait=persisted). */
  static Buffer render(List<CloudEvent> events, List<RecordMetadata> positions, Boolean persisted, String note) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + events.size() * 96);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("count", events.size());
      json.writeArrayFieldStart("accepted");
      for (int i = 0; i < events.size(); i++) {
        CloudEvent event = events.get(i);
        RecordMetadata position = positions.get(i);
        json.writeStartObject();
        json.writeStringField("id", event.id());
        json.writeStringField("source", event.source());
        json.writeNumberField("partition", position.partition());
        json.writeNumberField("offset", position.offset());
        json.writeEndObject();
      }
      json.writeEndArray();
      if (persisted != null) {
        json.writeBooleanField("persisted", persisted);
      }
      if (note != null) {
        json.writeStringField("note", note);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }
}
