package io.surge.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records a producer could not send, by client and reason: the exception's simple class name when it is one an
 * operator acts on, else {@code other}, so the label stays a fixed set whatever a broker or client answers.
 */
public final class ProducerErrors {
  static final List<String> REASONS = List.of("TimeoutException", "NotEnoughReplicasException",
      "NotEnoughReplicasAfterAppendException", "RecordTooLargeException", "BufferExhaustedException",
      "UnknownTopicOrPartitionException", "NotLeaderOrFollowerException", "TopicAuthorizationException",
      "ClusterAuthorizationException", "OutOfOrderSequenceException", "KafkaStorageException",
      "InterruptException");
  static final String OTHER = "other";

  private final Map<String, Counter> byReason = new HashMap<>();
  private final Counter other;

  /** Registers every reason at once (at 0), so a first failure shows as a rise, not as a new series. */
  public ProducerErrors(MeterRegistry registry, String client) {
    for (String reason : REASONS) {
      byReason.put(reason, counter(registry, client, reason));
    }
    this.other = counter(registry, client, OTHER);
  }

  private static Counter counter(MeterRegistry registry, String client, String reason) {
    return Counter.builder("surge.kafka.producer.errors").tag("client", client).tag("reason", reason)
        .description("records the producer failed to send").register(registry);
  }

  /** Counts one record that failed with {@code error}; safe from the producer's I/O thread. */
  public void record(Throwable error) {
    byReason.getOrDefault(error.getClass().getSimpleName(), other).increment();
  }
}
