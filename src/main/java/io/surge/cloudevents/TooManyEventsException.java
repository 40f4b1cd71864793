package io.surge.cloudevents;

/** A batch holding more events than the configured maximum; reading stops as soon as it is known. */
public final class TooManyEventsException extends RuntimeException {
  public TooManyEventsException(int max) {
    super("a batch may hold at most " + max + " events", null, false, false);
  }
}
