package io.surge.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * The payload workers publish on {@link EventWriter#CHANNEL} when a batch commits: "{@code <topic> p:o,p:o}",
 * the highest offset of each partition the batch covered. Every record of the partition up to that offset is
 * in Postgres (or the DLQ), since a worker persists a partition's batches in order.
 */
public final class PersistedWatermark {
  private PersistedWatermark() {}

  public static String format(String topic, Map<Integer, Long> offsets) {
    StringBuilder s = new StringBuilder(topic).append(' ');
    offsets.forEach((p, o) -> s.append(p).append(':').append(o).append(','));
    s.setLength(s.length() - 1);
    return s.toString();
  }

  /** The offsets by partition when the payload is about {@code topic}; empty otherwise or when malformed. */
  public static Map<Integer, Long> parse(String payload, String topic) {
    Map<Integer, Long> offsets = new HashMap<>();
    int space = payload.indexOf(' ');
    if (space < 0 || !payload.substring(0, space).equals(topic)) {
      return offsets;
    }
    for (String entry : payload.substring(space + 1).split(",")) {
      int colon = entry.indexOf(':');
      if (colon > 0) {
        try {
          offsets.merge(Integer.parseInt(entry.substring(0, colon)), Long.parseLong(entry.substring(colon + 1)), Math::max);
        } catch (NumberFormatException ignored) {
          // not ours; skip
        }
      }
    }
    return offsets;
  }
}
