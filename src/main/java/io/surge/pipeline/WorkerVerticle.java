package io.surge.pipeline;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One worker loop under Vert.x's lifecycle. The loop blocks (a Kafka consumer's poll), so it runs on a thread
 * of its own; deploying the verticle starts it, undeploying stops it and completes only once the loop has
 * finished its batch and closed. A loop that ends by itself is logged, marked dead in its {@link WorkerStatus}
 * (readiness turns DOWN) and started again, with a fresh consumer, after a backoff that doubles up to a cap.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  /** A loop that ran this long without ending is healthy again: its next failure starts from the first backoff. */
  private static final long HEALTHY_RUN_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** The supervised loop: {@link #run} until {@link #stop}; each start gets a new one. */
  public interface Loop extends Runnable {
    void stop();
  }

  private final Supplier<Loop> loops;
  private final WorkerStatus status;
  private final long backoffMinMs;
  private final long backoffMaxMs;
  private volatile Loop current;
  private volatile boolean stopping;
  private Promise<Void> ended;
  private long backoffMs;
  private long startedAt;

  public WorkerVerticle(Supplier<Loop> loops, WorkerStatus status, long backoffMinMs, long backoffMaxMs) {
    this.loops = loops;
    this.status = status;
    this.backoffMinMs = backoffMinMs;
    this.backoffMaxMs = backoffMaxMs;
    this.backoffMs = backoffMinMs;
  }

  @Override
  public Future<?> start() {
    launch();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    Loop loop = current;
    if (loop != null) {
      loop.stop();
    }
    return ended.future();
  }

  private void launch() {
    Context context = this.context;
    Promise<Void> done = Promise.promise();
    ended = done;
    startedAt = System.nanoTime();
    status.started();
    Thread thread = new Thread(() -> {
      Throwable failure = null;
      try {
        Loop loop = loops.get(); // builds a consumer: kept off the event loop
        current = loop;
        if (stopping) {
          loop.stop();
        }
        loop.run();
      } catch (Throwable e) {
        failure = e;
      }
      current = null;
      Throwable cause = failure;
      context.runOnContext(v -> ended(done, cause));
    }, status.name());
    thread.setDaemon(false);
    thread.start();
  }

  private void ended(Promise<Void> done, Throwable cause) {
    status.ended();
    done.complete();
    if (stopping) {
      return;
    }
    if (System.nanoTime() - startedAt > HEALTHY_RUN_NANOS) {
      backoffMs = backoffMinMs;
    }
    LOG.error("worker {} stopped unexpectedly; restarting it in {} ms", status.name(), backoffMs, cause);
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, backoffMaxMs);
    vertx.setTimer(delay, id -> {
      if (!stopping) {
        status.restarted();
        launch();
      }
    });
  }
}
