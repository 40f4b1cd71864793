package io.surge.cloudevents;

/** A body that cannot be read as events at all (not JSON, wrong top-level shape, nested too deep). */
public final class MalformedEventsException extends RuntimeException {
  public MalformedEventsException(String message) {
    super(message, null, false, false);
  }
}
