package io.surge.cloudevents;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CloudEvents Kafka protocol binding, binary content mode (bindings/kafka-protocol-binding.md): attributes
 * in {@code ce_*} headers as UTF-8 canonical strings, datacontenttype in {@code content-type}, data as the value.
 *
 * <p>Record key: the {@code partitionkey} extension if present, else {@code subject}, else {@code source}. Kafka
 * keeps order per key, so events of one partition key (or subject, or source) are consumed in the order sent.
 */
public final class KafkaBinding {
  public static final String CONTENT_TYPE = "content-type";
  public static final String PREFIX = "ce_";
  /** Not a CloudEvents attribute: the tenant whose credential sent the event (Surge's own header). */
  public static final String TENANT_HEADER = "surge_tenant";

  private KafkaBinding() {}

  public static ProducerRecord<byte[], byte[]> toRecord(String topic, CloudEvent event) {
    return toRecord(topic, event, null);
  }

  /** With {@code tenant} in the {@value #TENANT_HEADER} header when not null. */
  public static ProducerRecord<byte[], byte[]> toRecord(String topic, CloudEvent event, String tenant) {
    List<Header> headers = new ArrayList<>(7 + event.extensions().size());
    if (tenant != null) {
      headers.add(header(TENANT_HEADER, tenant));
    }
    headers.add(header("ce_specversion", event.specversion()));
    headers.add(header("ce_id", event.id()));
    headers.add(header("ce_source", event.source()));
    headers.add(header("ce_type", event.type()));
    if (event.datacontenttype() != null) {
      headers.add(header(CONTENT_TYPE, event.datacontenttype()));
    }
    if (event.dataschema() != null) {
      headers.add(header("ce_dataschema", event.dataschema()));
    }
    if (event.subject() != null) {
      headers.add(header("ce_subject", event.subject()));
    }
    if (event.time() != null) {
      headers.add(header("ce_time", event.time()));
    }
    for (Map.Entry<String, Object> e : event.extensions().entrySet()) {
      headers.add(header(PREFIX + e.getKey(), e.getValue().toString()));
    }
    return new ProducerRecord<>(topic, null, null, utf8(key(event)), event.data(), headers);
  }

  /** partitionkey, else subject, else source: see the class comment. */
  public static String key(CloudEvent event) {
    String partitionKey = event.extension("partitionkey");
    if (partitionKey != null) {
      return partitionKey;
    }
    return event.subject() != null ? event.subject() : event.source();
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, utf8(value));
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
