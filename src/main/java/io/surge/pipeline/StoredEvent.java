package io.surge.pipeline;

import io.surge.cloudevents.CloudEvent;
import io.surge.cloudevents.DataForm;

import java.time.OffsetDateTime;

/**
 * An event as the workers persist it: the tenant it belongs to, how its data is kept (null without data), its position in time
 * ({@code ts}: its time attribute, else when Surge received it) and the Kafka record it came from.
 */
public record StoredEvent(String tenant, CloudEvent event, DataForm dataForm, OffsetDateTime ts,
                          OffsetDateTime receivedAt, String topic, int partition, long offset) {
  public static final String DEFAULT_TENANT = "default";
}
