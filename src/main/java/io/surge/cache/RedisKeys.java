package io.surge.cache;

/**
 * Every Redis key Surge uses, scoped by the configured prefix and the tenant. Variable parts go last or carry
 * their length, so a source containing ':' can never make two events share a key.
 */
public final class RedisKeys {
  private final String prefix;

  public RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  /** Hash {ts, seq, body}: the latest event of a subject, by (ts, seq). */
  public String latest(String tenant, String subject) {
    return prefix + tenant + ":latest:" + subject;
  }

  /** List of structured events, newest first, capped. */
  public String recent(String tenant, String subject) {
    return prefix + tenant + ":recent:" + subject;
  }

  /** String: one event's structured JSON; events never change, so this entry is never stale. */
  public String event(String tenant, String source, String id) {
    return prefix + tenant + ":event:" + source.length() + ":" + source + id;
  }

  /** Hash type -> count ("*" counts every type) of the events persisted in one minute (their received_at). */
  public String stats(String tenant, long epochMinute) {
    return prefix + tenant + ":stats:" + epochMinute;
  }

  /** String: the first epoch minute whose counters are complete in Redis; earlier minutes come from Postgres. */
  public String statsValidFrom() {
    return prefix + "stats:validFrom";
  }

  /** Patterns matching every latest and recent entry, for the sweep after a long Redis outage. */
  public java.util.List<String> subjectEntryPatterns() {
    return java.util.List.of(prefix + "*:latest:*", prefix + "*:recent:*");
  }
}
