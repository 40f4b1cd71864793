package io.surge.pipeline;

import io.surge.cloudevents.CloudEvent;
import io.surge.cloudevents.DataForm;
import io.surge.cloudevents.EventDraft;
import io.surge.cloudevents.EventLimits;
import io.surge.cloudevents.InvalidEventException;
import io.surge.cloudevents.JsonData;
import io.surge.cloudevents.JsonEventFormat;
import io.surge.cloudevents.KafkaBinding;
import io.surge.cloudevents.MalformedEventsException;
import io.surge.cloudevents.MediaType;
import io.surge.cloudevents.Rfc3339;
import io.surge.cloudevents.StructuredWriter;
import io.surge.config.SurgeConfig.IngressTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a Kafka record into an event by the CloudEvents Kafka protocol binding: binary mode ({@code ce_*}
 * headers, data in the value) or structured mode ({@code content-type: application/cloudevents+json}). Records
 * of topics declared raw become events whatever they hold. The same validator as HTTP decides what is valid.
 */
public final class EventRecordDecoder {
  private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private final Map<String, IngressTopic> ingressTopics;
  private final JsonEventFormat json;
  private final EventLimits limits;

  /**
   * {@code ingressTopics}: the extra topics by name; the events topic and unknown topics are CloudEvents topics.
   * The same limits as the HTTP edge apply: a record over them is dead-lettered, never stored half.
   */
  public EventRecordDecoder(Map<String, IngressTopic> ingressTopics, int maxJsonDepth, EventLimits limits) {
    this.ingressTopics = ingressTopics;
    this.json = new JsonEventFormat(maxJsonDepth, 1);
    this.limits = limits;
  }

  /** The event, or the reason the record goes to the dead-letter topic. */
  public record Decoded(StoredEvent event, String rejection) {
    static Decoded rejected(String reason) {
      return new Decoded(null, reason);
    }
  }

  public Decoded decode(ConsumerRecord<byte[], byte[]> record, OffsetDateTime receivedAt) {
    try {
      IngressTopic topic = ingressTopics.get(record.topic());
      String tenant = tenant(record, topic);
      CloudEvent event = topic != null && topic.raw() ? rawEvent(record, topic) : cloudEvent(record);
      if (event == null) {
        return Decoded.rejected("not a CloudEvent: no ce_specversion header (binary mode) and content-type is not "
            + StructuredWriter.MEDIA_TYPE + " (structured mode)");
      }
      OffsetDateTime ts = event.time() == null ? receivedAt : Rfc3339.parse(event.time());
      DataForm form = event.data() == null ? null : DataForm.of(event.datacontenttype(), event.data());
      return new Decoded(new StoredEvent(tenant, event, form, ts, receivedAt,
          record.topic(), record.partition(), record.offset()), null);
    } catch (InvalidEventException | MalformedEventsException e) {
      return Decoded.rejected("invalid CloudEvent: " + e.getMessage());
    } catch (HeaderException e) {
      return Decoded.rejected(e.getMessage());
    } catch (RuntimeException e) {
      // whatever else a record makes the decoder throw is about that record: it must not stop the partition
      return Decoded.rejected("the record cannot be decoded: " + e);
    }
  }

  /**
   * A topic that belongs to a tenant gives its records that tenant, and a record claiming another one is
   * rejected; elsewhere the tenant header (written by Surge's ingest) decides, and a record without it belongs
   * to {@code default}.
   */
  private static String tenant(ConsumerRecord<byte[], byte[]> record, IngressTopic topic) {
    String claimed = header(record, KafkaBinding.TENANT_HEADER);
    if (topic != null && topic.tenant() != null) {
      if (claimed != null && !claimed.equals(topic.tenant())) {
        throw new HeaderException("the record claims tenant '" + claimed + "' but topic '" + record.topic()
            + "' belongs to tenant '" + topic.tenant() + "'");
      }
      return topic.tenant();
    }
    if (claimed == null) {
      return StoredEvent.DEFAULT_TENANT;
    }
    if (!TENANT.matcher(claimed).matches()) {
      throw new HeaderException("header '" + KafkaBinding.TENANT_HEADER + "' is not a tenant name");
    }
    return claimed;
  }

  private CloudEvent cloudEvent(ConsumerRecord<byte[], byte[]> record) {
    String contentType = header(record, KafkaBinding.CONTENT_TYPE);
    if (record.headers().lastHeader("ce_specversion") != null) {
      return binary(record, contentType);
    }
    if (contentType != null && StructuredWriter.MEDIA_TYPE.equals(MediaType.essence(contentType))) {
      if (record.value() == null) {
        throw new MalformedEventsException("a structured event needs a value");
      }
      return json.readEvent(record.value()).toEvent(limits);
    }
    return null;
  }

  private CloudEvent binary(ConsumerRecord<byte[], byte[]> record, String contentType) {
    EventDraft draft = new EventDraft();
    for (Header h : record.headers()) {
      String name = h.key();
      if (name.length() > 3 && name.startsWith(KafkaBinding.PREFIX)) {
        String attribute = name.substring(3);
        if (attribute.equals("datacontenttype")) {
          draft.problem("binary mode carries datacontenttype in content-type; ce_datacontenttype must not be sent");
        } else {
          draft.attribute(attribute, utf8(name, h.value()));
        }
      }
    }
    if (contentType != null) {
      draft.attribute("datacontenttype", contentType);
    }
    byte[] value = record.value();
    return draft.data(value == null || value.length == 0 ? null : value).toEvent(limits);
  }

  /** A raw record as an event: replaying the same record gives the same (source, id), so it stays one row. */
  private CloudEvent rawEvent(ConsumerRecord<byte[], byte[]> record, IngressTopic topic) {
    byte[] value = record.value();
    boolean json = value != null && JsonData.isJson(value);
    EventDraft draft = new EventDraft()
        .attribute("specversion", "1.0")
        .attribute("id", record.partition() + "-" + record.offset())
        .attribute("source", "kafka://" + record.topic())
        .attribute("type", topic.rawType())
        .attribute("time", Instant.ofEpochMilli(record.timestamp()).toString());
    String subject = record.key() == null ? null : utf8OrNull(record.key());
    if (subject != null && !subject.isEmpty()) {
      draft.attribute("subject", subject);
    }
    if (value != null && value.length > 0) {
      draft.attribute("datacontenttype", json ? JsonEventFormat.APPLICATION_JSON : "application/octet-stream");
      draft.data(value);
    }
    return draft.toEvent(limits);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : utf8(name, h.value());
  }

  private static String utf8(String header, byte[] value) {
    String s = value == null ? null : utf8OrNull(value);
    if (s == null) {
      throw new HeaderException("header '" + header + "' is not valid UTF-8");
    }
    return s;
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static final class HeaderException extends RuntimeException {
    HeaderException(String message) {
      super(message, null, false, false);
    }
  }
}
