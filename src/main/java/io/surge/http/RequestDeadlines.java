package io.surge.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The request timeout (408) without a timer per request: requests are noted in a queue, and one periodic sweep
 * per event loop fails those still running past the deadline. Vert.x Web's TimeoutHandler sets and cancels a
 * timer per request, which cost about 1.7 µs of a 24 µs single-event ingest (A/B in docs/BENCHMARKS.md); this
 * costs one small object and a queue append. A finished request only lets go of its context, and the sweep drops
 * it, so nothing is hashed or unlinked per request. Each HTTP verticle has its own instance, used only on its
 * event loop, so the queue needs no lock. A deadline is kept to within a sweep period (a quarter of the timeout,
 * at most a second), which also bounds the queue to a sweep period of requests.
 */
final class RequestDeadlines implements Handler<RoutingContext> {
  private final long timeoutNanos;
  private final ArrayDeque<Deadline> running = new ArrayDeque<>();

  /** One request: its context while it runs, null once it has ended. */
  private static final class Deadline implements Handler<AsyncResult<Void>> {
    final long startNanos = System.nanoTime();
    RoutingContext ctx;

    Deadline(RoutingContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void handle(AsyncResult<Void> ended) {
      ctx = null;
    }
  }

  /** Call from the verticle's start: the sweep timer belongs to the verticle and goes when it is undeployed. */
  RequestDeadlines(Vertx vertx, int timeoutMs) {
    this.timeoutNanos = timeoutMs * 1_000_000L;
    vertx.setPeriodic(Math.max(25, Math.min(1000, timeoutMs / 4)), id -> sweep());
  }

  @Override
  public void handle(RoutingContext ctx) {
    Deadline deadline = new Deadline(ctx);
    running.addLast(deadline);
    ctx.addEndHandler(deadline);
    ctx.next();
  }

  private void sweep() {
    long now = System.nanoTime();
    List<RoutingContext> late = new ArrayList<>();
    running.removeIf(d -> {
      if (d.ctx != null && now - d.startNanos >= timeoutNanos) {
        late.add(d.ctx);
        return true;
      }
      return d.ctx == null;
    });
    for (RoutingContext ctx : late) { // failed after the walk: answering runs the end handlers
      if (!ctx.response().ended()) {
        if (!ctx.request().isEnded()) {
          ctx.request().resume(); // as Vert.x's TimeoutHandler does: a paused request would hold the answer back
        }
        ctx.fail(408);
      }
    }
  }
}
