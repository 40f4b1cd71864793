package io.surge.cloudevents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event as a binding or format read it, before validation: attribute values already have their wire type
 * (String, Integer, Boolean), data is bytes. Readers note what they could not even read in {@link #problems}.
 */
public final class EventDraft {
  final Map<String, Object> attributes = new LinkedHashMap<>();
  final List<String> problems = new ArrayList<>(2);
  byte[] data;

  /** Sets an attribute; a repeated name is a problem, never a silent overwrite. */
  public EventDraft attribute(String name, Object value) {
    if (attributes.putIfAbsent(name, value) != null) {
      problems.add("attribute '" + name + "' appears more than once");
    }
    return this;
  }

  public EventDraft data(byte[] data) {
    this.data = data;
    return this;
  }

  public EventDraft problem(String problem) {
    problems.add(problem);
    return this;
  }

  public Object attribute(String name) {
    return attributes.get(name);
  }

  /** Validates and returns the event; throws {@link InvalidEventException} with every reason otherwise. */
  public CloudEvent toEvent(EventLimits limits) {
    return CloudEventValidator.validate(this, limits);
  }
}
