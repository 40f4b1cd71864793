package io.surge.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.surge.kafka.ProducerErrors;
import io.surge.tracing.DeadLetterSpans;
import io.surge.tracing.PublishSpans;
import io.surge.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends records that are not valid events to the dead-letter topic: key, value and headers untouched, plus
 * {@code surge.dlq.*} headers naming the reason and where the record came from. With tracing on, a traced
 * record's {@code traceparent} becomes that of its dead-letter span ({@link DeadLetterSpans}).
 */
public final class DeadLetters {
  public static final String REASON = "surge.dlq.reason";
  public static final String TOPIC = "surge.dlq.topic";
  public static final String PARTITION = "surge.dlq.partition";
  public static final String OFFSET = "surge.dlq.offset";
  /** Present when Postgres refused the record: its SQLSTATE. */
  public static final String SQLSTATE = "surge.dlq.sqlstate";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final ProducerErrors errors;
  /** Null when tracing is off. */
  private final DeadLetterSpans spans;

  public DeadLetters(Producer<byte[], byte[]> producer, String topic, MeterRegistry registry, Tracing tracing) {
    this.producer = producer;
    this.topic = topic;
    this.errors = new ProducerErrors(registry, "dlq");
    this.spans = tracing.deadLetterSpans(topic);
  }

  /** A record that cannot be stored, why, and the SQLSTATE when Postgres said so (else null). */
  public record Rejected(ConsumerRecord<byte[], byte[]> record, String reason, String sqlState) {
    public Rejected(ConsumerRecord<byte[], byte[]> record, String reason) {
      this(record, reason, null);
    }
  }

  /** Completes once Kafka acknowledged every dead letter (acks=all), or fails with the first error. */
  public Future<Void> send(List<Rejected> rejected) {
    if (rejected.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> acks = new ArrayList<>(rejected.size());
    for (Rejected r : rejected) {
      Promise<Void> ack = Promise.promise();
      acks.add(ack.future());
      ProducerRecord<byte[], byte[]> deadLetter = toDeadLetter(r);
      Span span = spans == null ? null : spans.start(deadLetter, r.reason());
      try {
        producer.send(deadLetter, PublishSpans.ending(span, (metadata, error) -> {
          if (error == null) {
            ack.complete();
          } else {
            errors.record(error);
            ack.fail(error);
          }
        }));
      } catch (RuntimeException e) {
        PublishSpans.failed(span, e);
        errors.record(e);
        ack.fail(e);
      }
    }
    return Future.all(acks).mapEmpty();
  }

  ProducerRecord<byte[], byte[]> toDeadLetter(Rejected r) {
    ConsumerRecord<byte[], byte[]> record = r.record();
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add(REASON, utf8(r.reason()));
    headers.add(TOPIC, utf8(record.topic()));
    headers.add(PARTITION, utf8(Integer.toString(record.partition())));
    headers.add(OFFSET, utf8(Long.toString(record.offset())));
    if (r.sqlState() != null) {
      headers.add(SQLSTATE, utf8(r.sqlState()));
    }
    return new ProducerRecord<>(topic, null, record.timestamp(), record.key(), record.value(), headers);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
