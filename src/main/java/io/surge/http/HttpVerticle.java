package io.surge.http;

import io.surge.config.SurgeConfig;
import io.surge.ops.RequestIds;
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
  private HttpServer server;

  public HttpVerticle(SurgeConfig.HttpConfig config, List<Consumer<Router>> routes) {
    this.config = config;
    this.routes = routes;
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
    return server.requestHandler(RequestIds.around(new RequestGate(router))).listen();
  }

  /** The port the server bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
