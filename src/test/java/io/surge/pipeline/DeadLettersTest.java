package io.surge.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.surge.pipeline.DeadLetters.Rejected;
import io.vertx.core.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every dead letter Kafka refuses is counted once, by a reason from a fixed set. */
class DeadLettersTest {

  @Test
  void refusedDeadLettersAreCountedByBoundedReason() {
    MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
        new ByteArraySerializer());
    MeterRegistry registry = new SimpleMeterRegistry();
    DeadLetters deadLetters = new DeadLetters(producer, "events.dlq", registry);
    List<Rejected> rejected = List.of(rejected(1), rejected(2), rejected(3), rejected(4));

    // given four dead letters, one acknowledged and three refused, one for a reason outside the known set
    Future<Void> sent = deadLetters.send(rejected);
    producer.completeNext();
    producer.errorNext(new NotEnoughReplicasException("ISR below min.insync.replicas"));
    producer.errorNext(new NotEnoughReplicasException("ISR below min.insync.replicas"));
    producer.errorNext(new IllegalStateException("something new"));

    // then the send fails and each refusal counted once, under client dlq
    assertTrue(sent.failed());
    assertEquals(2, errors(registry, "NotEnoughReplicasException"));
    assertEquals(1, errors(registry, "other"));
    assertEquals(0, errors(registry, "TimeoutException"));
    assertEquals(3, registry.find("surge.kafka.producer.errors").tag("client", "dlq").counters().stream()
        .mapToDouble(c -> c.count()).sum());
  }

  private static double errors(MeterRegistry registry, String reason) {
    return registry.get("surge.kafka.producer.errors").tag("client", "dlq").tag("reason", reason).counter().count();
  }

  private static Rejected rejected(long offset) {
    return new Rejected(new ConsumerRecord<>("events", 0, offset, System.currentTimeMillis(), TimestampType.CREATE_TIME,
        0, 1, new byte[0], new byte[] {1}, new RecordHeaders(), Optional.empty()), "invalid");
  }
}
