package io.surge.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;

/** Start-up chores against the broker: the topic exists, and the producer knows its partitions. */
public final class KafkaTopics {
  private KafkaTopics() {}

  /** Creates the topic unless it exists. */
  public static Future<Void> ensure(Vertx vertx, Admin admin, String topic, int partitions, short replication, int timeoutMs) {
    NewTopic newTopic = new NewTopic(topic, partitions, replication);
    return Future.fromCompletionStage(
            admin.createTopics(List.of(newTopic), new CreateTopicsOptions().timeoutMs(timeoutMs)).all().toCompletionStage(),
            vertx.getOrCreateContext())
        .recover(e -> isTopicExists(e) ? Future.succeededFuture() : Future.failedFuture(e));
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
