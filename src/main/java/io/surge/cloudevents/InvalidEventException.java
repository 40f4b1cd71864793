package io.surge.cloudevents;

import java.util.List;

/** An event that breaks the CloudEvents spec, with every reason found. */
public final class InvalidEventException extends RuntimeException {
  private final List<String> reasons;

  public InvalidEventException(List<String> reasons) {
    super(String.join("; ", reasons), null, false, false);
    this.reasons = List.copyOf(reasons);
  }

  public List<String> reasons() {
    return reasons;
  }
}
