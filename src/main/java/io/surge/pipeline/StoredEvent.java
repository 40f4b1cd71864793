package io.surge.pipeline;

import io.surge.cloudevents.CloudEvent;

import java.time.OffsetDateTime;

/**
 * An event as the workers persist it: the tenant it belongs to, whether its data is JSON, its position in time
 * ({@code ts}: its time attribute, else when Surge received it) and the Kafka record it came from.
 */
public record StoredEvent(String tenant, CloudEvent event, boolean dataIsJson, OffsetDateTime ts,
                          OffsetDateTime receivedAt, String topic, int partition, long offset) {
  public static final String DEFAULT_TENANT = "default";
}
