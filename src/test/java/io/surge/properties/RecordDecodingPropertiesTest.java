package io.surge.properties;

import io.surge.pipeline.EventRecordDecoder;
import io.surge.pipeline.EventRecordDecoder.Decoded;
import io.surge.properties.GeneratedEvent.Verdict;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's half of {@link EventPropertiesIT} without any engine, in milliseconds: the decoder turns every
 * generated record into an event or a dead-letter reason and never throws (a throw ends the worker thread); a
 * small valid event decodes, an invalid one is rejected.
 */
class RecordDecodingPropertiesTest {
  private final EventRecordDecoder decoder = new EventRecordDecoder(Map.of(), 64, io.surge.cloudevents.EventLimits.DEFAULTS);

  @Provide
  Arbitrary<GeneratedEvent> events() {
    return CloudEventArbitraries.events();
  }

  @Property(tries = 500)
  void aStructuredRecordDecodesOrIsRejectedNeverThrows(@ForAll("events") GeneratedEvent event) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(new RecordHeader("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8)));
    assertDecoded(event, record(headers, event.structured()));
  }

  @Property(tries = 500)
  void aBinaryRecordDecodesOrIsRejectedNeverThrows(@ForAll("events") GeneratedEvent event) {
    RecordHeaders headers = new RecordHeaders();
    event.kafkaHeaders().forEach((k, v) -> headers.add(new RecordHeader(k, v)));
    byte[] body = event.binaryBody();
    assertDecoded(event, record(headers, body.length == 0 ? null : body));
  }

  private void assertDecoded(GeneratedEvent event, ConsumerRecord<byte[], byte[]> record) {
    Decoded decoded;
    try {
      decoded = decoder.decode(record, OffsetDateTime.now(ZoneOffset.UTC));
    } catch (RuntimeException e) {
      throw new AssertionError("the decoder threw (a worker thread would end here): " + e + "\n  event: " + event, e);
    }
    Verdict verdict = event.verdict();
    if (verdict == Verdict.VALID && decoded.event() == null) {
      throw new AssertionError("a small valid event was rejected: " + decoded.rejection() + "\n  event: " + event);
    }
    if (verdict == Verdict.INVALID && decoded.event() != null) {
      throw new AssertionError("an invalid event was decoded: " + decoded.event() + "\n  event: " + event);
    }
    if (decoded.event() == null && (decoded.rejection() == null || decoded.rejection().isBlank())) {
      throw new AssertionError("rejected without a reason\n  event: " + event);
    }
  }

  private static ConsumerRecord<byte[], byte[]> record(RecordHeaders headers, byte[] value) {
    return new ConsumerRecord<>("ingress", 0, 42L, 0L, TimestampType.CREATE_TIME, 0, value == null ? 0 : value.length,
        null, value, headers, Optional.empty());
  }
}
