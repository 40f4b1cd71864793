package io.surge.ops;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import java.util.concurrent.TimeUnit;

/**
 * Set once, at SIGTERM: readiness answers DOWN so load balancers stop sending, and every answer given meanwhile
 * closes its connection, so that keep-alive clients reconnect to another instance instead of sending their next
 * request into a listener about to close.
 */
public final class Drain {
  private volatile boolean draining;

  public void begin() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** Asks the client to go elsewhere: the connection closes once this request is answered (GOAWAY on HTTP/2). */
  public static void closeAfterAnswer(HttpServerRequest request, long graceMs) {
    if (request.version() != HttpVersion.HTTP_2) {
      request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    request.connection().shutdown(graceMs, TimeUnit.MILLISECONDS);
  }
}
