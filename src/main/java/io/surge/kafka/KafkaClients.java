package io.surge.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.surge.config.SurgeConfig.KafkaConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.HashMap;
import java.util.Map;

/**
 * Kafka clients configured the one way Surge needs them, then the operator's pass-through properties
 * ({@code kafka.properties.*} and the per-client ones; see {@link io.surge.config.KafkaClientProperties}).
 */
public final class KafkaClients {
  private KafkaClients() {}

  /**
   * Durable (acks=all, idempotent) and never blocking its caller: {@code max.block.ms=0} makes a send without
   * metadata or buffer space fail at once, so event loops may call {@code send} directly.
   */
  public static Producer<byte[], byte[]> eventProducer(KafkaConfig config, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
    props.put(ProducerConfig.LINGER_MS_CONFIG, config.lingerMs());
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, config.batchBytes());
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, config.requestTimeoutMs());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, config.deliveryTimeoutMs());
    // Metadata of an idle topic would be dropped after 5 minutes, making the next send fail fast; keep it a day.
    props.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, 86_400_000);
    props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    props.putAll(config.clientProperties().forProducer());
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A worker-group consumer that commits only by hand (after Postgres has the batch) and starts a new group at
   * the earliest offset, so nothing written before the first worker started is skipped.
   */
  public static Consumer<byte[], byte[]> workerConsumer(KafkaConfig config, String groupId, String clientId,
                                                         int maxPollRecords, String instanceId, int sessionTimeoutMs) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    // static membership: a worker killed and started again under the same identity gets its partitions back at
    // once instead of leaving them unread for a session timeout
    if (instanceId != null) {
      props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    }
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(1000, sessionTimeoutMs / 5));
    props.putAll(config.clientProperties().forConsumer());
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  public static Admin admin(KafkaConfig config, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, config.requestTimeoutMs());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(config.requestTimeoutMs(), 5000));
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    props.putAll(config.clientProperties().forAdmin());
    return Admin.create(props);
  }
}
