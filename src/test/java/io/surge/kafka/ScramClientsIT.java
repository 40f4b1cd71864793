package io.surge.kafka;

import io.surge.config.ConfigSource;
import io.surge.config.SurgeConfig;
import io.surge.config.SurgeConfig.KafkaConfig;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.surge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Surge's Kafka clients on a SASL_PLAINTEXT listener with SCRAM, configured by pass-through properties alone
 * (by environment variable, as an operator of a managed cluster would set them).
 */
@ExtendWith(KafkaEngine.class)
class ScramClientsIT {
  private static final String USER = "surge-scram";
  private static final String PASSWORD = "scram-secret-1";

  @BeforeAll
  static void scramUser() {
    assumeTrue(KafkaEngine.scramBootstrap() != null, "an external broker has no SCRAM listener of ours");
    KafkaEngine.createScramUser(USER, PASSWORD);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-512"})
  void producerAndConsumerWorkWithOnlyPassThroughProperties(String mechanism) {
    // given a topic and Surge's clients configured for the SCRAM listener
    String topic = TestSurge.uniqueTopic("scram");
    KafkaEngine.createTopics(1, topic);
    KafkaConfig kafka = config(mechanism, PASSWORD);
    TopicPartition partition = new TopicPartition(topic, 0);

    try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(kafka, "scram-it");
         Consumer<byte[], byte[]> consumer = KafkaClients.workerConsumer(kafka, "scram-" + topic, "scram-it", 10, null, 10_000)) {
      // when an event is sent (max.block.ms=0: a send fails until the producer has the topic's metadata)
      RecordMetadata sent = eventually(Duration.ofSeconds(30),
          () -> producer.send(new ProducerRecord<>(topic, bytes("k"), bytes(mechanism))).get());

      // then the consumer reads it back
      consumer.assign(List.of(partition));
      ConsumerRecord<byte[], byte[]> read = eventually(Duration.ofSeconds(30), () -> {
        var records = consumer.poll(Duration.ofMillis(500)).records(partition);
        assertEquals(1, records.size());
        return records.get(0);
      });
      assertEquals(sent.offset(), read.offset());
      assertEquals(mechanism, new String(read.value(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aWrongPasswordFailsWithAnAuthenticationError() {
    KafkaConfig kafka = config("SCRAM-SHA-512", "not-the-password");

    try (Admin admin = KafkaClients.admin(kafka, "scram-it-admin")) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
      assertInstanceOf(SaslAuthenticationException.class, e.getCause());
    }
    try (Consumer<byte[], byte[]> consumer = KafkaClients.workerConsumer(kafka, "scram-wrong", "scram-it", 10, null, 10_000)) {
      consumer.assign(List.of(new TopicPartition("scram-wrong", 0)));
      assertThrows(SaslAuthenticationException.class, () -> consumer.poll(Duration.ofSeconds(20)));
    }
  }

  private static KafkaConfig config(String mechanism, String password) {
    return SurgeConfig.from(ConfigSource.load(null, Map.of(
        "SURGE_KAFKA_BOOTSTRAP", KafkaEngine.scramBootstrap(),
        "SURGE_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
        "SURGE_KAFKA_PROPERTIES_SASL_MECHANISM", mechanism,
        "SURGE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"" + USER + "\" password=\"" + password + "\";"))).kafka();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
