package io.surge.http;

import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.RecordTooLargeException;

import java.util.List;
import java.util.Map;

/** Every problem type Surge answers with, and the one place that maps exceptions to them. */
public final class Problems {
  /** Every problem type is this followed by a slug ({@code invalid-event}, ...). */
  public static final String TYPE_PREFIX = "urn:surge:problem:";

  private Problems() {}

  public static ProblemException malformed(String detail) {
    return problem(400, "malformed-request", "Malformed request", detail);
  }

  /** A 400 naming every invalid event: {@code errors: [{index, id?, reasons: [...]}]}. */
  public static ProblemException invalidEvents(List<Map<String, Object>> errors) {
    String detail = errors.size() == 1 ? "1 event is invalid; nothing was accepted"
        : errors.size() + " events are invalid; nothing was accepted";
    return new ProblemException(400, TYPE_PREFIX + "invalid-event", "Invalid CloudEvent", detail,
        Map.of("errors", errors), null, null);
  }

  /** 401: no usable credentials. The renderer adds {@code WWW-Authenticate: Bearer}. */
  public static ProblemException unauthorized(String detail) {
    return problem(401, "unauthorized", "Unauthorized", detail);
  }

  /** 403: valid credentials without the right to do this. */
  public static ProblemException forbidden(String detail) {
    return problem(403, "forbidden", "Forbidden", detail);
  }

  /** A 400 for a field of a JSON request body: {@code field} names it. */
  public static ProblemException badField(String field, String detail) {
    return new ProblemException(400, TYPE_PREFIX + "bad-field", "Bad request field", detail,
        Map.of("field", field), null, null);
  }

  /** A 400 for a path or query parameter: {@code parameter} names it. */
  public static ProblemException badParameter(String parameter, String detail) {
    return new ProblemException(400, TYPE_PREFIX + "bad-parameter", "Bad parameter", detail,
        Map.of("parameter", parameter), null, null);
  }

  /** A 409 when an id alone names events of several sources: {@code sources} lists them. */
  public static ProblemException ambiguousId(String id, List<String> sources) {
    return new ProblemException(409, TYPE_PREFIX + "ambiguous-id", "Ambiguous event id",
        "events of several sources have id '" + id + "'; add ?source=", Map.of("sources", sources), null, null);
  }

  public static ProblemException tooLarge(String detail) {
    return problem(413, "too-large", "Content too large", detail);
  }

  public static ProblemException unsupportedMediaType(String detail) {
    return problem(415, "unsupported-media-type", "Unsupported media type", detail);
  }

  public static ProblemException notFound(String detail) {
    return problem(404, "not-found", "Not found", detail);
  }

  public static ProblemException methodNotAllowed(String detail) {
    return problem(405, "method-not-allowed", "Method not allowed", detail);
  }

  public static ProblemException overloaded(String detail, int retryAfterSeconds) {
    return new ProblemException(503, TYPE_PREFIX + "overloaded", "Service overloaded", detail, Map.of(),
        retryAfterSeconds, null);
  }

  public static ProblemException tooManyRequests(String detail, int retryAfterSeconds) {
    return new ProblemException(429, TYPE_PREFIX + "rate-limited", "Too many requests", detail, Map.of(),
        retryAfterSeconds, null);
  }

  public static ProblemException unavailable(String detail, int retryAfterSeconds, Throwable cause) {
    return new ProblemException(503, TYPE_PREFIX + "unavailable", "Service unavailable", detail, Map.of(),
        retryAfterSeconds, cause);
  }

  /** Why Kafka did not take events; every case is worth a retry except a record over the broker's size limit. */
  public static ProblemException fromKafka(Throwable failure, int retryAfterSeconds) {
    if (failure instanceof RecordTooLargeException) {
      return tooLarge("Kafka rejected an event as too large: " + failure.getMessage());
    }
    if (failure instanceof BufferExhaustedException) {
      return overloaded("the Kafka producer buffer is full", retryAfterSeconds);
    }
    return unavailable("Kafka did not acknowledge the events: " + failure.getMessage(), retryAfterSeconds, failure);
  }

  public static ProblemException internal() {
    return problem(500, "internal", "Internal error", "the server failed; the failure is logged");
  }

  /** The answer for a status Vert.x set itself (no route, body over the limit, ...). */
  public static ProblemException forStatus(int status) {
    return switch (status) {
      case 404 -> notFound("no such resource");
      case 405 -> methodNotAllowed("this resource does not support that method");
      case 413 -> tooLarge("the request body is over the configured limit");
      case 414 -> problem(414, "uri-too-long", "URI too long", "the request line is over the server's limit");
      case 431 -> problem(431, "headers-too-large", "Request headers too large", "the request headers are over the server's limit");
      case 400 -> malformed("the request could not be read");
      default -> status >= 400 && status < 500
          ? problem(status, "client-error", "Client error", "request rejected with status " + status)
          : internal();
    };
  }

  private static ProblemException problem(int status, String slug, String title, String detail) {
    return new ProblemException(status, TYPE_PREFIX + slug, title, detail, Map.of(), null, null);
  }
}
