package io.surge.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.surge.pipeline.DeadLetters.Rejected;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.surge.testing.TopicReader;
import io.vertx.core.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A dead letter the broker refuses is counted once under client dlq, by its reason, and fails the send. */
@ExtendWith(KafkaEngine.class)
class DeadLettersIT {
  /** The dead-letter topic's limit on a record batch; a dead letter with a larger value cannot be stored. */
  private static final int MAX_MESSAGE_BYTES = 512;

  @Test
  void deadLettersTheBrokerRefusesAreCountedByReason() throws Exception {
    // given a dead-letter topic that takes small records only
    String dlq = TestSurge.uniqueTopic("dead-letters-it") + ".dlq";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaEngine.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(dlq, 1, (short) 1)
          .configs(Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES))))).all().get();
    }
    MeterRegistry registry = new SimpleMeterRegistry();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", KafkaEngine.bootstrap(), "acks", "all"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      DeadLetters deadLetters = new DeadLetters(producer, dlq, registry);

      // when one small and two oversized dead letters are sent
      int tooLarge = 4 * MAX_MESSAGE_BYTES;
      Future<Void> sent = deadLetters.send(List.of(rejected(1, 1), rejected(2, tooLarge), rejected(3, tooLarge)));
      // then the send fails with the broker's refusal
      Throwable refused = assertThrows(Throwable.class, sent::await);
      assertInstanceOf(RecordTooLargeException.class, refused);
    } // closing waits for every outstanding send and its callback, so the counts below are final

    // and each refusal is counted once, and only the small one was stored
    assertEquals(2, errors(registry, "RecordTooLargeException"));
    assertEquals(2, registry.find("surge.kafka.producer.errors").tag("client", "dlq").counters().stream()
        .mapToDouble(c -> c.count()).sum());
    try (TopicReader reader = new TopicReader(KafkaEngine.bootstrap(), dlq)) {
      assertEquals(1, reader.totalRecords(dlq));
    }
  }

  private static double errors(MeterRegistry registry, String reason) {
    return registry.get("surge.kafka.producer.errors").tag("client", "dlq").tag("reason", reason).counter().count();
  }

  private static Rejected rejected(long offset, int valueBytes) {
    return new Rejected(new ConsumerRecord<>("events", 0, offset, System.currentTimeMillis(), TimestampType.CREATE_TIME,
        0, valueBytes, new byte[0], new byte[valueBytes], new RecordHeaders(), Optional.empty()), "invalid");
  }
}
