package io.surge.http;

import java.util.Map;

/**
 * A failure with its RFC 9457 answer. Handlers fail their futures with one; {@link ProblemRenderer} writes it.
 * Build them through {@link Problems}, which holds every problem type Surge answers with.
 */
public final class ProblemException extends RuntimeException {
  private final int status;
  private final String type;
  private final String title;
  private final Map<String, Object> extensions;
  private final Integer retryAfterSeconds;

  ProblemException(int status, String type, String title, String detail, Map<String, Object> extensions,
                   Integer retryAfterSeconds, Throwable cause) {
    super(detail, cause, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
    this.extensions = extensions;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public Map<String, Object> extensions() {
    return extensions;
  }

  /** Seconds for a {@code Retry-After} header, or null. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
