package io.surge.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request head the HTTP codec could not parse (too long a request line or headers, a bad Content-Length, ...):
 * problem+json instead of Vert.x's empty answer, then Vert.x closes the connection. (A broken body is no request
 * head: Vert.x closes the connection before an answer could leave, and logs it at TRACE only.)
 */
final class CodecFailures {
  private CodecFailures() {}

  /** The server's invalid-request handler (the head decoded with a failure); the URI may be what failed. */
  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ProblemException problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = Problems.forStatus(414);
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = Problems.forStatus(431);
    } else {
      problem = Problems.malformed("the request head could not be parsed: " + cause.getMessage());
    }
    ProblemRenderer.answer(request, problem, null);
  }
}
