package io.surge.config;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka client properties an operator passes through verbatim ({@code kafka.properties.*} to every client,
 * {@code kafka.producer.*}, {@code kafka.consumer.*}, {@code kafka.admin.*} to one kind), for what Surge has no
 * key of its own: SASL, TLS, client rack, and so on. They are applied after Surge's settings, except the few
 * Surge's guarantees rest on, which they may not name.
 */
public record KafkaClientProperties(Map<String, String> all, Map<String, String> producer,
                                    Map<String, String> consumer, Map<String, String> admin) {
  static final String ALL = "kafka.properties.";
  static final String PRODUCER = "kafka.producer.";
  static final String CONSUMER = "kafka.consumer.";
  static final String ADMIN = "kafka.admin.";

  private static final String BOOTSTRAP = "set kafka.bootstrap instead";
  private static final Map<String, String> PRODUCER_OWNED = Map.of(
      "acks", "Surge answers 202 only once an event is on every in-sync replica (acks=all)",
      "enable.idempotence", "retries must not duplicate or reorder events (idempotence)",
      "max.block.ms", "a send must never block the event loop that calls it (max.block.ms=0)",
      "key.serializer", "Surge writes bytes", "value.serializer", "Surge writes bytes",
      "bootstrap.servers", BOOTSTRAP);
  private static final Map<String, String> CONSUMER_OWNED = Map.of(
      "enable.auto.commit", "workers commit offsets only after Postgres has the batch",
      "key.deserializer", "Surge reads bytes", "value.deserializer", "Surge reads bytes",
      "bootstrap.servers", BOOTSTRAP);
  private static final Map<String, String> ADMIN_OWNED = Map.of("bootstrap.servers", BOOTSTRAP);

  static KafkaClientProperties from(ConfigSource s) {
    Map<String, String> owned = new HashMap<>(ADMIN_OWNED);
    owned.putAll(CONSUMER_OWNED);
    owned.putAll(PRODUCER_OWNED);
    return new KafkaClientProperties(checked(s, ALL, owned), checked(s, PRODUCER, PRODUCER_OWNED),
        checked(s, CONSUMER, CONSUMER_OWNED), checked(s, ADMIN, ADMIN_OWNED));
  }

  /** What a producer gets: {@code kafka.properties.*}, then {@code kafka.producer.*}. */
  public Map<String, String> forProducer() {
    return merged(producer);
  }

  public Map<String, String> forConsumer() {
    return merged(consumer);
  }

  public Map<String, String> forAdmin() {
    return merged(admin);
  }

  private Map<String, String> merged(Map<String, String> specific) {
    Map<String, String> out = new HashMap<>(all);
    out.putAll(specific);
    return out;
  }

  private static Map<String, String> checked(ConfigSource s, String prefix, Map<String, String> owned) {
    Map<String, String> properties = s.below(prefix);
    properties.forEach((name, value) -> {
      String why = owned.get(name);
      if (why != null) {
        throw s.invalid(prefix + name, value, "Surge sets " + name + " itself: " + why);
      }
    });
    return Map.copyOf(properties);
  }

  /** Names and values, secrets hidden: this ends up in logs. */
  @Override
  public String toString() {
    return "KafkaClientProperties[all=" + shown(all) + ", producer=" + shown(producer) + ", consumer="
        + shown(consumer) + ", admin=" + shown(admin) + "]";
  }

  private static Map<String, String> shown(Map<String, String> properties) {
    Map<String, String> out = new TreeMap<>();
    properties.forEach((name, value) -> out.put(name, Redaction.shown(name, value)));
    return out;
  }
}
