package io.surge.cloudevents;

import java.util.Map;

/**
 * A valid CloudEvent 1.0. Optional attributes are null when absent; extension values are String, Integer or
 * Boolean; {@code data} is the event payload as bytes (JSON text when {@link #datacontenttype()} is JSON).
 * Instances come from {@link CloudEventValidator}, so every field already obeys the spec.
 */
public record CloudEvent(String id, String source, String specversion, String type, String datacontenttype,
                         String dataschema, String subject, String time, Map<String, Object> extensions,
                         byte[] data) {

  /** Approximate serialized size: what the event costs in Kafka and in memory. */
  public int sizeBytes() {
    int size = (data == null ? 0 : data.length) + id.length() + source.length() + type.length() + 3;
    size += length(datacontenttype) + length(dataschema) + length(subject) + length(time);
    for (Map.Entry<String, Object> e : extensions.entrySet()) {
      size += e.getKey().length() + e.getValue().toString().length();
    }
    return size;
  }

  /** The extension as its canonical string, or null. */
  public String extension(String name) {
    Object value = extensions.get(name);
    return value == null ? null : value.toString();
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}
