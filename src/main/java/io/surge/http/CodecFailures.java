package io.surge.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HTTP codec could not read, before any route runs: a request head it could not parse (too long a
 * request line or headers, a bad Content-Length, ...) gets problem+json, then Vert.x closes the connection; a
 * broken body or a reset connection is noted at DEBUG only, since any client can send one per request.
 */
final class CodecFailures {
  private static final Logger LOG = LoggerFactory.getLogger(CodecFailures.class);

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

  /**
   * Every connection's exception handler. Without one Vert.x logs each at ERROR; they are a client's broken
   * framing, a TLS handshake that failed or a peer that reset, never a fault of Surge's.
   */
  static void log(Throwable failure) {
    LOG.debug("HTTP connection failed", failure);
  }
}
