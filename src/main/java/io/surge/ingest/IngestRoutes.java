package io.surge.ingest;

import io.surge.cloudevents.CloudEvent;
import io.surge.config.SurgeConfig.IngestLimits;
import io.surge.security.AuthHandler;
import io.surge.security.Principal;
import io.surge.security.RateLimits;
import io.surge.security.Scope;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.List;
import java.util.function.Consumer;

/**
 * {@code POST /v1/events}: read and validate every event, publish them to Kafka, answer 202 once Kafka has
 * them all. With {@code Prefer: wait=persisted}, answer 201 once Postgres has them, or 202 with a note when the
 * configured wait passes first.
 */
public final class IngestRoutes implements Consumer<Router> {
  private final IngestLimits limits;
  private final EventPublisher publisher;
  private final PersistedWaits waits;
  private final RateLimits rateLimits;
  private final IngestMeters meters;

  public IngestRoutes(IngestLimits limits, EventPublisher publisher, PersistedWaits waits, RateLimits rateLimits,
                      IngestMeters meters) {
    this.limits = limits;
    this.publisher = publisher;
    this.waits = waits;
    this.rateLimits = rateLimits;
    this.meters = meters;
  }

  @Override
  public void accept(Router router) {
    EventRequestReader reader = new EventRequestReader(limits);
    // the scope check is a route of its own: Vert.x allows no user handler before a body handler on one route,
    // and a key without the scope must be refused before its body is read
    router.post("/v1/events").handler(AuthHandler.requires(Scope.INGEST));
    router.post("/v1/events")
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
        .handler(ctx -> ingest(ctx, reader));
  }

  private void ingest(RoutingContext ctx, EventRequestReader reader) {
    boolean waitPersisted = prefersWaitPersisted(ctx.request().headers());
    Future.succeededFuture(ctx.body().buffer())
        .map(body -> reader.read(ctx.request().headers(), body == null ? new byte[0] : body.getBytes()))
        .compose(events -> rateLimits.events(ctx, events.size()).map(events))
        .compose(events -> publisher.publish(events, Principal.of(ctx).tenant(), ctx.request().headers())
            .onSuccess(metadata -> meters.accepted(events.size()))
            .compose(metadata -> waitPersisted
            ? waits.await(metadata, limits.waitPersistedTimeoutMs()).map(persisted -> answer(ctx, events, metadata, persisted))
            : Future.succeededFuture(answer(ctx, events, metadata, null))))
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(body))
        .onFailure(e -> {
          meters.rejected(e);
          ctx.fail(e);
        });
  }

  private Buffer answer(RoutingContext ctx, List<CloudEvent> events, List<RecordMetadata> metadata, Boolean persisted) {
    String note = null;
    if (Boolean.TRUE.equals(persisted)) {
      ctx.response().setStatusCode(201).putHeader("Preference-Applied", "wait=persisted");
    } else {
      ctx.response().setStatusCode(202);
      if (persisted != null) {
        note = "not yet persisted after " + limits.waitPersistedTimeoutMs()
            + " ms; the events are durable in Kafka and will be persisted";
      }
    }
    return AcceptedEvents.render(events, metadata, persisted, note);
  }

  /** RFC 7240: {@code Prefer} holds comma-separated preferences; names are case-insensitive. */
  static boolean prefersWaitPersisted(MultiMap headers) {
    for (String header : headers.getAll("Prefer")) {
      for (String preference : header.split(",")) {
        String p = preference.trim();
        int semicolon = p.indexOf(';');
        if (semicolon >= 0) {
          p = p.substring(0, semicolon).trim();
        }
        if (p.equalsIgnoreCase("wait=persisted") || p.equalsIgnoreCase("wait=\"persisted\"")) {
          return true;
        }
      }
    }
    return false;
  }
}
