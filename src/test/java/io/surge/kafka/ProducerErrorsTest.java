package io.surge.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every failed send is counted once, by a reason from a fixed set registered up front. */
class ProducerErrorsTest {

  @Test
  void everyReasonIsRegisteredAtZeroBeforeAnyFailure() {
    MeterRegistry registry = new SimpleMeterRegistry();

    new ProducerErrors(registry, "dlq");

    for (String reason : ProducerErrors.REASONS) {
      assertEquals(0, errors(registry, reason), reason);
    }
    assertEquals(0, errors(registry, ProducerErrors.OTHER));
    assertEquals(ProducerErrors.REASONS.size() + 1, registry.find("surge.kafka.producer.errors").tag("client", "dlq")
        .counters().size());
  }

  @Test
  void failuresAreCountedByReasonAndUnknownOnesAsOther() {
    MeterRegistry registry = new SimpleMeterRegistry();
    ProducerErrors errors = new ProducerErrors(registry, "dlq");

    errors.record(new NotEnoughReplicasException("ISR below min.insync.replicas"));
    errors.record(new NotEnoughReplicasException("ISR below min.insync.replicas"));
    errors.record(new IllegalStateException("something new"));

    assertEquals(2, errors(registry, "NotEnoughReplicasException"));
    assertEquals(1, errors(registry, "other"));
    assertEquals(0, errors(registry, "TimeoutException"));
    assertEquals(3, registry.find("surge.kafka.producer.errors").tag("client", "dlq").counters().stream()
        .mapToDouble(c -> c.count()).sum());
  }

  private static double errors(MeterRegistry registry, String reason) {
    return registry.get("surge.kafka.producer.errors").tag("client", "dlq").tag("reason", reason).counter().count();
  }
}
