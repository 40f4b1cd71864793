package io.surge.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * The management listener, apart from the public port so that it can be firewalled and left out of the load
 * balancer: {@code /health/live}, {@code /health/ready} and {@code /metrics} (Prometheus text format).
 */
public final class ManagementVerticle extends VerticleBase {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final String host;
  private final int port;
  private final HealthRoutes health;
  private final Metrics metrics;
  private HttpServer server;

  public ManagementVerticle(String host, int port, HealthRoutes health, Metrics metrics) {
    this.host = host;
    this.port = port;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    health.mount(router);
    // scraping walks every meter: off the event loop, so a slow scrape never delays a request
    router.get("/metrics").handler(ctx -> vertx.executeBlocking(metrics::scrape, false)
        .onSuccess(text -> ctx.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(text))
        .onFailure(ctx::fail));
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(port, host);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
