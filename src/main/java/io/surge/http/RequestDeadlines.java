package io.surge.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request timeout (408) without a timer per request: requests are noted in arrival order, and one
 * periodic sweep per event loop fails those still running past the deadline. Vert.x Web's TimeoutHandler
 * sets and cancels a timer per request, which cost about 1.7 µs of a 24 µs single-event ingest (A/B in
 * docs/BENCHMARKS.md); this costs a map put and remove. Each HTTP verticle has its own instance, used only on
 * its event loop, so the map needs no lock. A deadline is kept to within a sweep period (a quarter of the
 * timeout, at most a second).
 */
final class RequestDeadlines implements Handler<RoutingContext> {
  private final long timeoutNanos;
  private final Map<RoutingContext, Long> running = new LinkedHashMap<>(); // insertion order = start order

  /** Call from the verticle's start: the sweep timer belongs to the verticle and goes when it is undeployed. */
  RequestDeadlines(Vertx vertx, int timeoutMs) {
    this.timeoutNanos = timeoutMs * 1_000_000L;
    vertx.setPeriodic(Math.max(25, Math.min(1000, timeoutMs / 4)), id -> sweep());
  }

  @Override
  public void handle(RoutingContext ctx) {
    running.put(ctx, System.nanoTime());
    ctx.addEndHandler(ar -> running.remove(ctx));
    ctx.next();
  }

  private void sweep() {
    long now = System.nanoTime();
    List<RoutingContext> late = new ArrayList<>();
    for (Iterator<Map.Entry<RoutingContext, Long>> it = running.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<RoutingContext, Long> oldest = it.next();
      if (now - oldest.getValue() < timeoutNanos) {
        break; // the rest started later
      }
      it.remove();
      late.add(oldest.getKey());
    }
    for (RoutingContext ctx : late) { // failed after the walk: answering runs the end handlers, which touch the map
      if (!ctx.response().ended()) {
        if (!ctx.request().isEnded()) {
          ctx.request().resume(); // as Vert.x's TimeoutHandler does: a paused request would hold the answer back
        }
        ctx.fail(408);
      }
    }
  }
}
