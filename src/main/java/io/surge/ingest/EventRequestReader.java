package io.surge.ingest;

import io.surge.cloudevents.CloudEvent;
import io.surge.cloudevents.EventDraft;
import io.surge.cloudevents.InvalidEventException;
import io.surge.cloudevents.JsonEventFormat;
import io.surge.cloudevents.MalformedEventsException;
import io.surge.cloudevents.MediaType;
import io.surge.cloudevents.TooManyEventsException;
import io.surge.config.SurgeConfig.IngestLimits;
import io.surge.http.Problems;
import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one {@code POST /v1/events} into valid CloudEvents, choosing the content mode as the HTTP binding says:
 * batched, structured, the plain-JSON convenience, or binary. A request is all or nothing: any invalid event
 * fails it with every problem listed by index.
 */
final class EventRequestReader {
  private static final String STRUCTURED = "application/cloudevents";
  private static final String BATCH = "application/cloudevents-batch";

  private final IngestLimits limits;
  private final JsonEventFormat json;

  EventRequestReader(IngestLimits limits) {
    this.limits = limits;
    this.json = new JsonEventFormat(limits.maxJsonDepth(), limits.maxBatchEvents());
  }

  List<CloudEvent> read(MultiMap headers, byte[] rawBody) {
    byte[] body = RequestBody.decode(headers.get("Content-Encoding"), rawBody, limits.maxDecompressedBytes());
    List<EventDraft> drafts = drafts(headers, body);
    List<CloudEvent> events = validate(drafts);
    checkSizes(events);
    return events;
  }

  private List<EventDraft> drafts(MultiMap headers, byte[] body) {
    String contentType = headers.get("Content-Type");
    String essence = MediaType.essence(contentType);
    boolean binary = headers.contains(HttpBinding.SPECVERSION_HEADER);
    try {
      if (essence != null && essence.startsWith(BATCH)) {
        requireJsonFormat(essence, BATCH, contentType);
        return json.readBatch(body);
      }
      if (essence != null && essence.startsWith(STRUCTURED)) {
        requireJsonFormat(essence, STRUCTURED, contentType);
        return List.of(json.readEvent(body));
      }
      if (binary) {
        return List.of(HttpBinding.readBinary(headers, body));
      }
      if (JsonEventFormat.APPLICATION_JSON.equals(essence)) {
        requireUtf8(contentType);
        return json.readEventOrBatch(body);
      }
    } catch (MalformedEventsException e) {
      throw Problems.malformed(e.getMessage());
    } catch (TooManyEventsException e) {
      throw Problems.tooLarge(e.getMessage());
    }
    throw Problems.unsupportedMediaType(contentType == null
        ? "no Content-Type and no ce-specversion header: send a CloudEvent in binary, structured or batched mode"
        : "Content-Type '" + contentType + "' is not a CloudEvents mode Surge reads; send a ce-specversion header "
            + "(binary mode), application/cloudevents+json, application/cloudevents-batch+json or application/json");
  }

  private static void requireJsonFormat(String essence, String mode, String contentType) {
    if (!essence.equals(mode + "+json")) {
      throw Problems.unsupportedMediaType("event format '" + contentType + "' is not supported; use " + mode + "+json");
    }
    requireUtf8(contentType);
  }

  private static void requireUtf8(String contentType) {
    String charset = MediaType.parameter(contentType, "charset");
    if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
      throw Problems.unsupportedMediaType("charset '" + charset + "' is not supported; JSON is UTF-8");
    }
  }

  private List<CloudEvent> validate(List<EventDraft> drafts) {
    List<CloudEvent> events = new ArrayList<>(drafts.size());
    List<Map<String, Object>> errors = null;
    for (int i = 0; i < drafts.size(); i++) {
      try {
        events.add(drafts.get(i).toEvent(limits.events()));
      } catch (InvalidEventException e) {
        if (errors == null) {
          errors = new ArrayList<>();
        }
        errors.add(error(i, drafts.get(i), e.reasons()));
      }
    }
    if (errors != null) {
      throw Problems.invalidEvents(errors);
    }
    return events;
  }

  private void checkSizes(List<CloudEvent> events) {
    for (int i = 0; i < events.size(); i++) {
      int size = events.get(i).sizeBytes();
      if (size > limits.maxEventBytes()) {
        throw Problems.tooLarge("event " + i + " (id '" + events.get(i).id() + "') is " + size
            + " bytes; the limit per event is " + limits.maxEventBytes());
      }
    }
  }

  private static Map<String, Object> error(int index, EventDraft draft, List<String> reasons) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("index", index);
    if (draft.attribute("id") instanceof String id) {
      error.put("id", id);
    }
    error.put("reasons", reasons);
    return error;
  }
}
