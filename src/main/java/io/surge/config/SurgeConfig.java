package io.surge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Surge's whole configuration, typed and validated; built once at start-up. */
public record SurgeConfig(Set<Role> roles, HttpConfig http, KafkaConfig kafka, String pgUrl, String redisUrl,
                          IngestLimits ingest) {

  public static SurgeConfig from(ConfigSource source) {
    return new SurgeConfig(
        roles(source),
        HttpConfig.from(source),
        KafkaConfig.from(source),
        url(source, "pg.url", "postgresql", "postgres"),
        url(source, "redis.url", "redis", "rediss"),
        IngestLimits.from(source));
  }

  private static Set<Role> roles(ConfigSource source) {
    String raw = source.string("roles");
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : raw.split(",")) {
      try {
        roles.add(Role.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw source.invalid("roles", raw, "unknown role '" + name.trim() + "'; roles are ingest, worker, query");
      }
    }
    return roles;
  }

  private static String url(ConfigSource source, String key, String... schemes) {
    String raw = source.string(key);
    try {
      URI uri = new URI(raw);
      if (uri.getHost() == null || !Set.of(schemes).contains(uri.getScheme())) {
        throw source.invalid(key, raw, "must look like " + schemes[0] + "://host:port...");
      }
      return raw;
    } catch (URISyntaxException e) {
      throw source.invalid(key, raw, "not a URL: " + e.getReason());
    }
  }

  public enum Role { INGEST, WORKER, QUERY }

  public record HttpConfig(String host, int port, int instances) {
    static HttpConfig from(ConfigSource s) {
      int instances = s.integer("http.instances", 0, 256);
      return new HttpConfig(s.string("http.host"), s.integer("http.port", 0, 65535),
          instances == 0 ? Runtime.getRuntime().availableProcessors() : instances);
    }
  }

  public record KafkaConfig(String bootstrap, String topic, int partitions, short replicationFactor, int lingerMs,
                            int batchBytes, int requestTimeoutMs, int deliveryTimeoutMs, int startupTimeoutMs,
                            String compression) {
    private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    static KafkaConfig from(ConfigSource s) {
      String topic = s.string("kafka.topic");
      if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
        throw s.invalid("kafka.topic", topic, "a topic name is 1-249 of a-z A-Z 0-9 . _ -");
      }
      int linger = s.integer("kafka.lingerMs", 0, 60_000);
      int request = s.integer("kafka.requestTimeoutMs", 100, 600_000);
      int delivery = s.integer("kafka.deliveryTimeoutMs", 100, 600_000);
      if (delivery < linger + request) {
        throw s.invalid("kafka.deliveryTimeoutMs", Integer.toString(delivery),
            "must be at least kafka.lingerMs + kafka.requestTimeoutMs = " + (linger + request));
      }
      String compression = s.string("kafka.compression");
      if (!COMPRESSIONS.contains(compression)) {
        throw s.invalid("kafka.compression", compression, "must be one of " + COMPRESSIONS);
      }
      return new KafkaConfig(s.string("kafka.bootstrap"), topic, s.integer("kafka.partitions", 1, 10_000),
          (short) s.integer("kafka.replicationFactor", 1, 32), linger, s.integer("kafka.batchBytes", 0, 16 << 20),
          request, delivery, s.integer("kafka.startupTimeoutMs", 1000, 600_000), compression);
    }
  }

  /** Bounds on what one ingest request may cost; each breach answers 413 or 503, never an OOM. */
  public record IngestLimits(int maxBodyBytes, int maxDecompressedBytes, int maxEventBytes, int maxBatchEvents,
                             int maxJsonDepth, int maxInflightEvents, int retryAfterSeconds) {
    static IngestLimits from(ConfigSource s) {
      return new IngestLimits(
          s.integer("ingest.maxBodyBytes", 1, 256 << 20),
          s.integer("ingest.maxDecompressedBytes", 1, 1 << 30),
          // Kafka's default max.request.size is 1 MiB: an event must fit in one record with its headers.
          s.integer("ingest.maxEventBytes", 1, 900 << 10),
          s.integer("ingest.maxBatchEvents", 1, 100_000),
          s.integer("ingest.maxJsonDepth", 2, 1000),
          s.integer("ingest.maxInflightEvents", 1, 10_000_000),
          s.integer("ingest.retryAfterSeconds", 1, 3600));
    }
  }
}
