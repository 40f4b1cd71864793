package io.surge.http;

import io.surge.config.SurgeConfig;
import io.surge.ops.Drain;
import io.surge.ops.RequestIds;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The process's one HTTP server, one instance per event loop: the routes of every HTTP role it runs (ingest,
 * query, health) on one port, with problem+json for every error.
 */
public final class HttpVerticle extends VerticleBase {
  /**
   * The longest request line (method, URI, version) answered; longer ones get 414. Twice Netty's default: room
   * for a query filtering by a long subject, type and source with a cursor.
   */
  static final int MAX_REQUEST_LINE_BYTES = 8192;

  private final SurgeConfig.HttpConfig config;
  private final List<Consumer<Router>> routes;
  private final Drain drain;
  private final long graceMs;
  private HttpServer server;

  /** {@code graceMs}: how long requests in flight when the verticle stops get to finish. */
  public HttpVerticle(SurgeConfig.HttpConfig config, List<Consumer<Router>> routes, Drain drain, long graceMs) {
    this.config = config;
    this.routes = routes;
    this.drain = drain;
    this.graceMs = graceMs;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    // a client that does not finish its request in time gets 408 and loses the connection, holding nothing
    if (config.requestTimeoutMs() > 0) {
      router.route("/v1/*").handler(new RequestDeadlines(vertx, config.requestTimeoutMs()));
    }
    routes.forEach(r -> r.accept(router));
    router.route().failureHandler(new ProblemRenderer());
    router.errorHandler(404, ctx -> ctx.fail(Problems.notFound("no such resource: " + ctx.request().path())));
    router.errorHandler(405, ctx -> ctx.fail(Problems.methodNotAllowed(ctx.request().method() + " is not allowed here")));
    // Vert.x Web's answer when matching a route throws (a path it cannot decode): failing the context again would
    // match again, so answer here; RequestGate turns such paths away first
    router.errorHandler(400, ctx -> {
      if (!ctx.response().headWritten()) {
        ProblemRenderer.answer(ctx.request(), Problems.forStatus(400), null);
      }
    });
    HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
        .setMaxHeaderSize(config.maxHeaderBytes()).setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
        .setIdleTimeout(config.idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCertPath())
          .setKeyPath(config.tlsKeyPath()));
    }
    server = vertx.createHttpServer(options).invalidRequestHandler(CodecFailures::answer);
    // every request gets its X-Request-Id here, before anything can refuse it
    Handler<HttpServerRequest> requests = RequestIds.around(new RequestGate(router));
    return server.requestHandler(request -> {
      if (drain.draining()) {
        Drain.closeAfterAnswer(request, graceMs);
      }
      requests.handle(request);
    }).listen();
  }

  /** Stops accepting connections; requests in flight get {@code graceMs} to be answered before theirs close. */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(graceMs, TimeUnit.MILLISECONDS);
  }

  /** The port the server bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
