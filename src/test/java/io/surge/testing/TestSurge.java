package io.surge.testing;

import io.surge.SurgeNode;
import io.surge.config.ConfigSource;
import io.surge.config.SurgeConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Starts a Surge node for a test: bundled defaults, a free HTTP port, a topic, consumer group, DLQ topic,
 * database and Redis key prefix of its own, plus overrides. Role ingest unless SURGE_ROLES is overridden.
 */
public final class TestSurge {
  /** The bootstrap key of every test node: tenant default, all scopes. */
  public static final String BOOTSTRAP_KEY = "test-bootstrap-key-0123456789abcdefghijklmnop";

  private TestSurge() {}

  /** A client of a test node that sends the bootstrap key with every request. */
  public static WebClient client(Vertx vertx, int port) {
    return client(vertx, port, BOOTSTRAP_KEY);
  }

  /** A client of a test node that sends {@code key} with every request. */
  public static WebClient client(Vertx vertx, int port, String key) {
    WebClient plain = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    return WebClientSession.create(plain).addHeader("Authorization", "Bearer " + key);
  }

  public static String uniqueTopic(String prefix) {
    return prefix + "." + UUID.randomUUID().toString().substring(0, 8);
  }

  public static SurgeConfig config(String bootstrap, String topic, Map<String, String> overrides) {
    return SurgeConfig.from(ConfigSource.load(null, env(bootstrap, topic, overrides)));
  }

  /** The SURGE_* variables of {@link #config}, for starting a Surge process of the same setup. */
  public static Map<String, String> env(String bootstrap, String topic, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("SURGE_ROLES", "ingest");
    env.put("SURGE_HTTP_HOST", "127.0.0.1");
    env.put("SURGE_HTTP_PORT", "0");
    env.put("SURGE_HTTP_INSTANCES", "1");
    env.put("SURGE_MANAGEMENT_PORT", "0"); // off: many nodes share this machine; MetricsIT turns it on
    env.put("SURGE_SHUTDOWN_DRAIN_SECONDS", "0"); // no load balancer in front; GracefulShutdownIT sets one
    env.put("SURGE_KAFKA_BOOTSTRAP", bootstrap);
    env.put("SURGE_KAFKA_TOPIC", topic);
    env.put("SURGE_KAFKA_PARTITIONS", "3");
    env.put("SURGE_PG_URL", PostgresEngine.freshDatabaseUrl());
    env.put("SURGE_REDIS_URL", RedisEngine.url());
    env.put("SURGE_REDIS_KEY_PREFIX", RedisEngine.uniquePrefix());
    env.put("SURGE_PIPELINE_GROUP_ID", "workers-" + topic);
    env.put("SURGE_PIPELINE_DLQ_TOPIC", topic + ".dlq");
    env.put("SURGE_BOOTSTRAP_KEY", BOOTSTRAP_KEY);
    env.putAll(overrides);
    return env;
  }

  public static SurgeNode start(String bootstrap, String topic, Map<String, String> overrides) {
    return SurgeNode.start(config(bootstrap, topic, overrides)).await();
  }
}
