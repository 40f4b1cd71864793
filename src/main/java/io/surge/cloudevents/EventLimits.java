package io.surge.cloudevents;

/**
 * Byte limits (UTF-8) on what an event may hold, so that what the edge accepts Postgres can store and index:
 * a btree row holds at most 2704 bytes, and (tenant, source, id), (tenant, subject, ...) and (tenant, type, ...)
 * are indexed. The defaults sit far above what CloudEvents producers send (ids are UUIDs or similar, sources
 * and types short URIs and reverse-DNS names) and keep every index row under about 1.6 KB.
 */
public record EventLimits(int idBytes, int sourceBytes, int typeBytes, int subjectBytes, int attributeBytes,
                          int extensions) {
  public static final EventLimits DEFAULTS = new EventLimits(512, 1024, 512, 1024, 4096, 64);
  /** A btree index row's limit (8 KB pages), less room for the tenant, ts, seq and tuple headers. */
  public static final int MAX_INDEXED_BYTES = 2704 - 200;

  public EventLimits {
    if (idBytes + sourceBytes > MAX_INDEXED_BYTES || subjectBytes > MAX_INDEXED_BYTES
        || typeBytes > MAX_INDEXED_BYTES) {
      throw new IllegalArgumentException("id + source, subject and type must each stay within "
          + MAX_INDEXED_BYTES + " bytes: Postgres indexes them");
    }
  }

  /** The limit of a string attribute by name: the indexed ones have their own, every other one the same. */
  int bytesFor(String attribute) {
    return switch (attribute) {
      case "id" -> idBytes;
      case "source" -> sourceBytes;
      case "type" -> typeBytes;
      case "subject" -> subjectBytes;
      default -> attributeBytes;
    };
  }
}
