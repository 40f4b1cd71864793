package io.surge.config;

import io.surge.cloudevents.EventLimits;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Surge's whole configuration, typed and validated; built once at start-up. */
public record SurgeConfig(Set<Role> roles, HttpConfig http, KafkaConfig kafka, PgConfig pg, RedisConfig redis,
                          IngestLimits ingest, PipelineConfig pipeline, QueryConfig query, SecurityConfig security,
                          ManagementConfig management, ShutdownConfig shutdown) {

  public static SurgeConfig from(ConfigSource source) {
    return new SurgeConfig(
        roles(source),
        HttpConfig.from(source),
        KafkaConfig.from(source),
        PgConfig.from(source),
        RedisConfig.from(source),
        IngestLimits.from(source),
        PipelineConfig.from(source),
        QueryConfig.from(source),
        SecurityConfig.from(source),
        ManagementConfig.from(source),
        ShutdownConfig.from(source));
  }

  /**
   * What SIGTERM does: readiness DOWN at once, the listener serves on for {@code drainSeconds} (so a load
   * balancer stops sending), then in-flight requests get up to {@code graceSeconds} to finish; past
   * {@code timeoutSeconds} from the signal the process exits anyway.
   */
  public record ShutdownConfig(int drainSeconds, int graceSeconds, int timeoutSeconds) {
    static ShutdownConfig from(ConfigSource s) {
      int drain = s.integer("shutdown.drainSeconds", 0, 600);
      int grace = s.integer("shutdown.graceSeconds", 0, 600);
      int timeout = s.integer("shutdown.timeoutSeconds", 1, 3600);
      // the rest of the stop (flush the producer, commit the batches in hand) needs a few seconds too
      if (timeout < drain + grace + 5) {
        throw s.invalid("shutdown.timeoutSeconds", Integer.toString(timeout),
            "must be at least shutdown.drainSeconds + shutdown.graceSeconds + 5 = " + (drain + grace + 5));
      }
      return new ShutdownConfig(drain, grace, timeout);
    }
  }

  /** The management listener (health and metrics); port 0 turns it off. */
  public record ManagementConfig(String host, int port) {
    static ManagementConfig from(ConfigSource s) {
      return new ManagementConfig(s.string("management.host"), s.integer("management.port", 0, 65535));
    }
  }

  /** Reads {@code --config} (or SURGE_CONFIG, or ./conf/surge.json, or the bundled defaults) plus the environment. */
  public static SurgeConfig load(Path file, String roles, Map<String, String> env) {
    return SurgeConfig.from(source(file, roles, env));
  }

  /** The layered keys {@link #load} reads, before they are typed and checked. */
  public static ConfigSource source(Path file, String roles, Map<String, String> env) {
    Path path = file;
    if (path == null && env.get("SURGE_CONFIG") != null) {
      path = Path.of(env.get("SURGE_CONFIG"));
    }
    if (path == null && Files.isRegularFile(Path.of("conf", "surge.json"))) {
      path = Path.of("conf", "surge.json");
    }
    ConfigSource source = ConfigSource.load(path, env);
    if (roles != null) {
      source = source.with("roles", roles, "--roles");
    }
    return source;
  }

  public String pgUrl() {
    return pg.url();
  }

  public String redisUrl() {
    return redis.url();
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

  /**
   * The listener: limits that hold against slow or oversized clients, and TLS when both PEM files are named
   * ({@code http.tlsCertPath}, {@code http.tlsKeyPath}; empty means plain HTTP).
   */
  public record HttpConfig(String host, int port, int instances, int maxHeaderBytes, int idleTimeoutSeconds,
                           int requestTimeoutMs, String tlsCertPath, String tlsKeyPath) {
    static HttpConfig from(ConfigSource s) {
      int instances = s.integer("http.instances", 0, 256);
      String cert = s.optionalString("http.tlsCertPath");
      String key = s.optionalString("http.tlsKeyPath");
      if (cert.isEmpty() != key.isEmpty()) {
        throw s.invalid(cert.isEmpty() ? "http.tlsCertPath" : "http.tlsKeyPath", "", "TLS needs both tlsCertPath and tlsKeyPath");
      }
      for (String[] file : new String[][] {{"http.tlsCertPath", cert}, {"http.tlsKeyPath", key}}) {
        if (!file[1].isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(file[1]))) {
          throw s.invalid(file[0], file[1], "is not a readable file");
        }
      }
      return new HttpConfig(s.string("http.host"), s.integer("http.port", 0, 65535),
          instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
          s.integer("http.maxHeaderBytes", 1024, 1024 * 1024), s.integer("http.idleTimeoutSeconds", 0, 3600),
          requestTimeoutMs(s), cert.isEmpty() ? null : cert, key.isEmpty() ? null : key);
    }

    /** 0 turns the request timeout off (for a proxy in front that enforces one); else at least 100 ms. */
    private static int requestTimeoutMs(ConfigSource s) {
      int ms = s.integer("http.requestTimeoutMs", 0, 600_000);
      if (ms > 0 && ms < 100) {
        throw s.invalid("http.requestTimeoutMs", Integer.toString(ms), "must be 0 (off) or at least 100");
      }
      return ms;
    }

    public boolean tls() {
      return tlsCertPath != null;
    }
  }

  /**
   * The Kafka clients and the topics Surge creates: {@code createTopics} false for a managed cluster that
   * forbids it (the topics must exist then); {@code minInsyncReplicas} 0 keeps the broker's default.
   */
  public record KafkaConfig(String bootstrap, String topic, int partitions, short replicationFactor, int lingerMs,
                            int batchBytes, int requestTimeoutMs, int deliveryTimeoutMs, int startupTimeoutMs,
                            String compression, boolean createTopics, int minInsyncReplicas,
                            KafkaClientProperties clientProperties) {
    private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    static KafkaConfig from(ConfigSource s) {
      String topic = topicName(s, "kafka.topic");
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
          request, delivery, s.integer("kafka.startupTimeoutMs", 1000, 600_000), compression, s.bool("kafka.createTopics"),
          s.integer("kafka.minInsyncReplicas", 0, 32), KafkaClientProperties.from(s));
    }
  }

  /**
   * {@code url} carries TLS as libpq does ({@code ?sslmode=verify-full&sslrootcert=/ca.pem}), so every client
   * built from it gets the same TLS; {@code pg.sslMode} and {@code pg.sslRootCertPath}, when set, are merged in.
   */
  public record PgConfig(String url, int poolSize) {
    static PgConfig from(ConfigSource s) {
      String url = PgTls.withTls(s, SurgeConfig.url(s, "pg.url", "postgresql", "postgres"));
      return new PgConfig(url, s.integer("pg.poolSize", 1, 256));
    }
  }

  /**
   * Redis keys all start with {@code keyPrefix}, so deployments (and test runs) can share one Redis.
   * {@code tlsCaPath}: the PEM CA a {@code rediss://} server's certificate is checked against (null: the JVM's).
   */
  public record RedisConfig(String url, String keyPrefix, int latestTtlSeconds, int recentSize, int statsTtlSeconds,
                            String tlsCaPath) {
    public RedisConfig(String url, String keyPrefix, int latestTtlSeconds, int recentSize, int statsTtlSeconds) {
      this(url, keyPrefix, latestTtlSeconds, recentSize, statsTtlSeconds, null);
    }

    static RedisConfig from(ConfigSource s) {
      String url = SurgeConfig.url(s, "redis.url", "redis", "rediss");
      String ca = readableFile(s, "redis.tlsCaPath");
      if (ca != null && !url.startsWith("rediss://")) {
        throw s.invalid("redis.tlsCaPath", ca, "a CA applies to rediss:// URLs only; redis.url is not one");
      }
      return new RedisConfig(url, s.string("redis.keyPrefix"),
          s.integer("redis.latestTtlSeconds", 1, 30 * 86_400), s.integer("redis.recentSize", 1, 10_000),
          s.integer("redis.statsTtlSeconds", 120, 30 * 86_400), ca);
    }
  }

  /** The optional file {@code key} names, or null when the value is empty; fails unless it is readable. */
  static String readableFile(ConfigSource s, String key) {
    String path = s.optionalString(key);
    if (path.isEmpty()) {
      return null;
    }
    if (!Files.isReadable(Path.of(path))) {
      throw s.invalid(key, path, "is not a readable file");
    }
    return path;
  }

  /** The worker role: which topics it consumes, where poison records go, how it backs off. */
  /**
   * The worker group. {@code instanceId}: a stable identity of this process for Kafka static membership (a
   * restarted worker takes its partitions back at once); empty derives one from the host name and HTTP port, or
   * none when the port is 0. {@code stallSeconds}: readiness turns DOWN when a worker makes no progress this long
   * while its partitions have lag.
   */
  public record PipelineConfig(String groupId, String dlqTopic, List<IngressTopic> ingressTopics, int consumers,
                               int maxPollRecords, int backoffMinMs, int backoffMaxMs, String instanceId,
                               int sessionTimeoutMs, int stallSeconds) {
    static PipelineConfig from(ConfigSource s) {
      String dlq = topicName(s, "pipeline.dlqTopic");
      int min = s.integer("pipeline.backoffMinMs", 1, 60_000);
      int max = s.integer("pipeline.backoffMaxMs", 1, 600_000);
      if (max < min) {
        throw s.invalid("pipeline.backoffMaxMs", Integer.toString(max), "must be at least pipeline.backoffMinMs");
      }
      String instanceId = s.optionalString("pipeline.instanceId");
      if (!instanceId.isEmpty() && !instanceId.matches("[A-Za-z0-9._:-]{1,200}")) {
        throw s.invalid("pipeline.instanceId", instanceId, "letters, digits and . _ : - only");
      }
      return new PipelineConfig(s.string("pipeline.groupId"), dlq, ingressTopics(s),
          s.integer("pipeline.consumers", 1, 64), s.integer("pipeline.maxPollRecords", 1, 100_000), min, max,
          instanceId, s.integer("pipeline.sessionTimeoutMs", 6000, 1_800_000), s.integer("pipeline.stallSeconds", 1, 86_400));
    }

    /**
     * {@code a,b=raw:com.example.type,c@acme}: CloudEvents topics by name, raw topics with the type their events
     * get, and {@code @tenant} for a topic that belongs to one tenant.
     */
    private static List<IngressTopic> ingressTopics(ConfigSource s) {
      String raw = s.optionalString("pipeline.ingressTopics");
      List<IngressTopic> topics = new ArrayList<>();
      if (raw.isEmpty()) {
        return topics;
      }
      for (String entry : raw.split(",")) {
        String spec = entry.trim();
        String tenant = null;
        int at = spec.lastIndexOf('@');
        if (at >= 0) {
          tenant = spec.substring(at + 1).trim();
          spec = spec.substring(0, at);
          if (!tenant.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
            throw s.invalid("pipeline.ingressTopics", raw, "'" + tenant + "' is not a tenant name");
          }
        }
        String[] parts = spec.split("=", 2);
        String name = parts[0].trim();
        if (!isTopicName(name)) {
          throw s.invalid("pipeline.ingressTopics", raw, "'" + name + "' is not a topic name");
        }
        if (parts.length == 1) {
          topics.add(new IngressTopic(name, false, null, tenant));
        } else if (parts[1].startsWith("raw:") && parts[1].length() > 4) {
          topics.add(new IngressTopic(name, true, parts[1].substring(4).trim(), tenant));
        } else {
          throw s.invalid("pipeline.ingressTopics", raw, "write a raw topic as topic=raw:<event type>[@tenant]");
        }
      }
      return topics;
    }
  }

  /**
   * An extra topic the workers consume: CloudEvents by the Kafka binding, or raw records turned into events.
   * {@code tenant}: the tenant every record of the topic belongs to, or null (then the record's tenant header,
   * else {@code default}).
   */
  public record IngressTopic(String name, boolean raw, String rawType, String tenant) {}

  /**
   * {@code bootstrapKey}: empty, or a secret of at least 32 characters that becomes the all-tenants admin key.
   * {@code keyStaleSeconds}: how long past {@code keyCacheSeconds} a key lookup's answer may stand in while
   * Postgres cannot be asked (0: never). {@code authFailuresPerMinute}: failed authentications allowed per client
   * address before it is answered 429 (0: no limit).
   */
  public record SecurityConfig(String bootstrapKey, int keyCacheSeconds, int keyStaleSeconds, int authFailuresPerMinute,
                               boolean rateLimitLocalFallback, JwtConfig jwt) {
    static SecurityConfig from(ConfigSource s) {
      String key = s.optionalString("bootstrapKey");
      if (!key.isEmpty() && (key.length() < 32 || !key.chars().allMatch(c -> c > 32 && c < 127))) {
        throw s.invalid("bootstrapKey", "<hidden>", "must be at least 32 printable ASCII characters without spaces");
      }
      if (key.startsWith("sk_")) { // sk_ tokens must carry the checksum of keys Surge issues
        throw s.invalid("bootstrapKey", "<hidden>", "must not start with sk_, which marks keys Surge issues");
      }
      String fallback = s.string("security.rateLimitFallback");
      if (!fallback.equals("local") && !fallback.equals("deny")) {
        throw s.invalid("security.rateLimitFallback", fallback, "must be local or deny");
      }
      return new SecurityConfig(key.isEmpty() ? null : key, s.integer("security.keyCacheSeconds", 0, 300),
          s.integer("security.keyStaleSeconds", 0, 86_400), s.integer("security.authFailuresPerMinute", 0, 1_000_000),
          fallback.equals("local"), JwtConfig.from(s));
    }

    @Override
    public String toString() {
      return "SecurityConfig[bootstrapKey=" + (bootstrapKey == null ? "none" : "<hidden>") + ", keyCacheSeconds="
          + keyCacheSeconds + ", keyStaleSeconds=" + keyStaleSeconds + ", authFailuresPerMinute="
          + authFailuresPerMinute + ", rateLimitLocalFallback=" + rateLimitLocalFallback + ", jwt=" + jwt + "]";
    }
  }

  /**
   * JWT bearer tokens, on when {@code security.jwt.publicKeyPath} names a PEM public key or
   * {@code security.jwt.jwksUrl} an identity provider's JWK Set (fetched at start, every
   * {@code jwksRefreshSeconds}, and when a token names a key id not seen yet): the signing algorithm (the
   * default for JWKs without {@code alg}), optional issuer and audience to require, the claims that carry the
   * tenant and the scopes, and the rate limits of each token subject (null: none).
   */
  public record JwtConfig(String publicKeyPem, String jwksUrl, int jwksRefreshSeconds, String algorithm, String issuer,
                          String audience, String tenantClaim, String scopesClaim, int leewaySeconds,
                          Integer requestsPerSecond, Integer eventsPerSecond) {
    private static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
        "PS256", "PS384", "PS512");

    static JwtConfig from(ConfigSource s) {
      // every value is checked, used or not: a typo fails start-up, not the day JWTs are switched on
      String path = s.optionalString("security.jwt.publicKeyPath");
      String jwksUrl = s.optionalString("security.jwt.jwksUrl");
      if (!jwksUrl.isEmpty() && !jwksUrl.matches("https?://[^\\s/]+(/\\S*)?")) {
        throw s.invalid("security.jwt.jwksUrl", jwksUrl, "must be an http:// or https:// URL");
      }
      int refreshSeconds = s.integer("security.jwt.jwksRefreshSeconds", 10, 86_400);
      String algorithm = s.string("security.jwt.algorithm");
      if (!ALGORITHMS.contains(algorithm)) {
        throw s.invalid("security.jwt.algorithm", algorithm, "must be one of " + new java.util.TreeSet<>(ALGORITHMS));
      }
      String issuer = s.optionalString("security.jwt.issuer");
      String audience = s.optionalString("security.jwt.audience");
      String tenantClaim = s.string("security.jwt.tenantClaim");
      String scopesClaim = s.string("security.jwt.scopesClaim");
      int leeway = s.integer("security.jwt.leewaySeconds", 0, 300);
      int requests = s.integer("security.jwt.requestsPerSecond", 0, Integer.MAX_VALUE);
      int events = s.integer("security.jwt.eventsPerSecond", 0, Integer.MAX_VALUE);
      if (path.isEmpty() && jwksUrl.isEmpty()) {
        return null;
      }
      return new JwtConfig(path.isEmpty() ? null : publicKeyPem(s, path), jwksUrl.isEmpty() ? null : jwksUrl,
          refreshSeconds, algorithm, issuer.isEmpty() ? null : issuer, audience.isEmpty() ? null : audience,
          tenantClaim, scopesClaim, leeway, requests == 0 ? null : requests, events == 0 ? null : events);
    }

    private static String publicKeyPem(ConfigSource s, String path) {
      String pem;
      try {
        pem = java.nio.file.Files.readString(java.nio.file.Path.of(path));
      } catch (java.io.IOException | RuntimeException e) {
        throw s.invalid("security.jwt.publicKeyPath", path, "is not a readable file");
      }
      if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
        throw s.invalid("security.jwt.publicKeyPath", path, "must hold a PEM public key (-----BEGIN PUBLIC KEY-----)");
      }
      return pem;
    }

    @Override
    public String toString() {
      return "JwtConfig[publicKey=" + (publicKeyPem != null) + ", jwksUrl=" + Redaction.redact(String.valueOf(jwksUrl))
          + ", algorithm=" + algorithm + ", issuer=" + issuer + ", audience=" + audience + ", requestsPerSecond="
          + requestsPerSecond + ", eventsPerSecond=" + eventsPerSecond + "]";
    }
  }

  public record QueryConfig(int defaultLimit, int maxLimit) {
    static QueryConfig from(ConfigSource s) {
      int max = s.integer("query.maxLimit", 1, 10_000);
      return new QueryConfig(s.integer("query.defaultLimit", 1, max), max);
    }
  }

  private static String topicName(ConfigSource s, String key) {
    String topic = s.string(key);
    if (!isTopicName(topic)) {
      throw s.invalid(key, topic, "a topic name is 1-249 of a-z A-Z 0-9 . _ -");
    }
    return topic;
  }

  private static boolean isTopicName(String topic) {
    return topic.matches("[a-zA-Z0-9._-]{1,249}");
  }

  /**
   * Bounds on what one ingest request may cost; each breach answers 413 or 503, never an OOM. {@code events}:
   * what one event may hold, at the HTTP edge and on Kafka ingress topics alike.
   */
  public record IngestLimits(int maxBodyBytes, int maxDecompressedBytes, int maxEventBytes, int maxBatchEvents,
                             int maxJsonDepth, int maxInflightEvents, int retryAfterSeconds,
                             int waitPersistedTimeoutMs, EventLimits events) {
    static IngestLimits from(ConfigSource s) {
      int idBytes = s.integer("ingest.maxIdBytes", 1, EventLimits.MAX_INDEXED_BYTES);
      int sourceBytes = s.integer("ingest.maxSourceBytes", 1, EventLimits.MAX_INDEXED_BYTES);
      if (idBytes + sourceBytes > EventLimits.MAX_INDEXED_BYTES) {
        throw s.invalid("ingest.maxSourceBytes", Integer.toString(sourceBytes), "ingest.maxIdBytes + ingest.maxSourceBytes "
            + "must stay within " + EventLimits.MAX_INDEXED_BYTES + ": Postgres indexes (tenant, source, id)");
      }
      EventLimits events = new EventLimits(idBytes, sourceBytes,
          s.integer("ingest.maxTypeBytes", 1, EventLimits.MAX_INDEXED_BYTES),
          s.integer("ingest.maxSubjectBytes", 1, EventLimits.MAX_INDEXED_BYTES),
          s.integer("ingest.maxAttributeBytes", 1, 900 << 10),
          s.integer("ingest.maxExtensions", 0, 1000));
      return new IngestLimits(
          s.integer("ingest.maxBodyBytes", 1, 256 << 20),
          s.integer("ingest.maxDecompressedBytes", 1, 1 << 30),
          // Kafka's default max.request.size is 1 MiB: an event must fit in one record with its headers.
          s.integer("ingest.maxEventBytes", 1, 900 << 10),
          s.integer("ingest.maxBatchEvents", 1, 100_000),
          s.integer("ingest.maxJsonDepth", 2, 1000),
          s.integer("ingest.maxInflightEvents", 1, 10_000_000),
          s.integer("ingest.retryAfterSeconds", 1, 3600),
          s.integer("ingest.waitPersistedTimeoutMs", 1, 600_000),
          events);
    }
  }
}
