package io.surge.ingest;

import io.surge.config.SurgeConfig;
import io.surge.http.ProblemRenderer;
import io.surge.http.Problems;
import io.surge.ops.HealthRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** The HTTP ingest role: {@code POST /v1/events} into Kafka, plus health. One instance per event loop. */
public final class IngestVerticle extends VerticleBase {
  private final SurgeConfig config;
  private final EventPublisher publisher;
  private final HealthRoutes health;
  private HttpServer server;

  public IngestVerticle(SurgeConfig config, EventPublisher publisher, HealthRoutes health) {
    this.config = config;
    this.publisher = publisher;
    this.health = health;
  }

  @Override
  public Future<?> start() {
    EventRequestReader reader = new EventRequestReader(config.ingest());
    Router router = Router.router(vertx);
    router.post("/v1/events")
        .handler(BodyHandler.create(false).setBodyLimit(config.ingest().maxBodyBytes()))
        .handler(ctx -> ingest(ctx, reader));
    health.mount(router);
    router.route().failureHandler(new ProblemRenderer());
    router.errorHandler(404, ctx -> ctx.fail(Problems.notFound("no such resource: " + ctx.request().path())));
    router.errorHandler(405, ctx -> ctx.fail(Problems.methodNotAllowed(ctx.request().method() + " is not allowed here")));
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port()));
    return server.requestHandler(router).listen();
  }

  /** The port the server bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void ingest(RoutingContext ctx, EventRequestReader reader) {
    Future.succeededFuture(ctx.body().buffer())
        .map(body -> reader.read(ctx.request().headers(), body == null ? new byte[0] : body.getBytes()))
        .compose(events -> publisher.publish(events).map(metadata -> AcceptedEvents.render(events, metadata)))
        .onSuccess(json -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(json))
        .onFailure(ctx::fail);
  }
}
