package io.surge.ops;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.MDC;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The id of each HTTP request: the caller's {@code X-Request-Id} when it is printable ASCII of at most 128
 * characters, else one made here. It is answered in {@code X-Request-Id} (which is where it is kept for the rest of
 * the request), put in every problem+json body, and set in the MDC as {@code requestId} while Surge's code runs for
 * the request on its event loop: around the routing of the request and around the failure handler.
 */
public final class RequestIds {
  public static final CharSequence HEADER = HttpHeaders.createOptimized("X-Request-Id");
  /** The MDC keys of log lines written while a request is handled. */
  public static final String MDC_REQUEST_ID = "requestId";
  public static final String MDC_TENANT = "tenant";
  static final int MAX_LENGTH = 128;

  // a random prefix per process and a counter: unique across instances without a UUID (and its SecureRandom
  // draw) per request
  private static final String PREFIX = prefix();
  private static final AtomicLong COUNTER = new AtomicLong();

  private RequestIds() {}

  /** Wraps the server's request handler: assigns the id and keeps it in the MDC while {@code next} runs. */
  public static Handler<HttpServerRequest> around(Handler<HttpServerRequest> next) {
    return request -> {
      MDC.put(MDC_REQUEST_ID, of(request));
      try {
        next.handle(request);
      } finally {
        MDC.remove(MDC_REQUEST_ID);
      }
    };
  }

  /** The id of {@code request}, assigned and set on its answer's headers on the first call. */
  public static String of(HttpServerRequest request) {
    MultiMap answer = request.response().headers();
    String id = answer.get(HEADER);
    if (id == null) {
      id = request.getHeader(HEADER);
      if (!acceptable(id)) {
        id = next();
      }
      if (!request.response().headWritten()) {
        answer.set(HEADER, id);
      }
    }
    return id;
  }

  static boolean acceptable(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  static String next() {
    return PREFIX + Long.toString(COUNTER.incrementAndGet(), 36);
  }

  private static String prefix() {
    // 40 random bits as 8 base-32 digits
    long bits = new SecureRandom().nextLong() >>> 24;
    StringBuilder out = new StringBuilder(9);
    for (int i = 0; i < 8; i++) {
      out.append(Character.forDigit((int) (bits & 31), 32));
      bits >>>= 5;
    }
    return out.append('-').toString();
  }
}
