package io.surge.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import io.surge.config.SurgeConfig.KafkaConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;

/** Start-up chores against the broker: the topic exists, and the producer knows its partitions. */
public final class KafkaTopics {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

  private KafkaTopics() {}

  /**
   * Creates the topic unless it exists or {@code kafka.createTopics} is off, then warns when it has a single
   * replica: a 202 is then only as durable as one broker's disk.
   */
  public static Future<Void> ensure(Vertx vertx, Admin admin, String topic, KafkaConfig config) {
    NewTopic newTopic = new NewTopic(topic, config.partitions(), config.replicationFactor());
    if (config.minInsyncReplicas() > 0) {
      newTopic.configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(config.minInsyncReplicas())));
    }
    CreateTopicsOptions options = new CreateTopicsOptions().timeoutMs(config.startupTimeoutMs());
    Future<Void> created = !config.createTopics() ? Future.succeededFuture()
        : Future.fromCompletionStage(admin.createTopics(List.of(newTopic), options).all().toCompletionStage(),
                vertx.getOrCreateContext())
            .recover(e -> isTopicExists(e) ? Future.succeededFuture() : Future.failedFuture(e));
    return created.compose(v -> Future.fromCompletionStage(admin.describeTopics(List.of(topic)).allTopicNames()
            .toCompletionStage(), vertx.getOrCreateContext()))
        // a topic created a moment ago may not be described yet: only the warning is lost then
        .recover(e -> config.createTopics() ? Future.succeededFuture(Map.of())
            : Future.failedFuture(new IllegalStateException("topic " + topic + " cannot be described and "
                + "kafka.createTopics is false: create it first (" + e.getMessage() + ")", e)))
        .onSuccess(topics -> {
          TopicDescription d = topics.get(topic);
          if (d != null && !d.partitions().isEmpty() && d.partitions().get(0).replicas().size() < 2) {
            LOG.warn("topic {} has one replica: an acknowledged event survives only as long as one broker's disk "
                + "(set kafka.replicationFactor, and min.insync.replicas, on a real cluster)", topic);
          }
        })
        .mapEmpty();
  }

  /**
   * Waits on a worker thread until the producer has the topic's metadata. The producer never blocks for it
   * ({@code max.block.ms=0}): each call asks for an update and fails fast until one arrives.
   */
  public static Future<Integer> awaitMetadata(Vertx vertx, Producer<?, ?> producer, String topic, int timeoutMs) {
    return vertx.executeBlocking(() -> {
      long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
      while (true) {
        try {
          return producer.partitionsFor(topic).size();
        } catch (TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new TimeoutException("no metadata for topic " + topic + " after " + timeoutMs + " ms");
          }
          Thread.sleep(20);
        }
      }
    }, false);
  }

  private static boolean isTopicExists(Throwable e) {
    return e instanceof TopicExistsException || e.getCause() instanceof TopicExistsException;
  }
}
