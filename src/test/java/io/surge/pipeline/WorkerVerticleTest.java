package io.surge.pipeline;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.surge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker loop that ends by itself is noticed, shown dead, and started again; undeploying joins it. */
@ExtendWith(VertxExtension.class)
class WorkerVerticleTest {

  /** Runs until stopped; the first {@code failures} runs throw at once, as a loop that hit a bug would. */
  private static final class FlakyLoop implements WorkerVerticle.Loop {
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final boolean fail;

    FlakyLoop(boolean fail) {
      this.fail = fail;
    }

    @Override
    public void run() {
      if (fail) {
        throw new IllegalStateException("the loop broke");
      }
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void stop() {
      stopped.countDown();
    }
  }

  @Test
  void aLoopThatDiesIsRestartedWithBackoffAndShownDeadMeanwhile(Vertx vertx) {
    WorkerStatus status = new WorkerStatus("test-worker");
    AtomicInteger starts = new AtomicInteger();
    WorkerVerticle verticle = new WorkerVerticle(() -> new FlakyLoop(starts.incrementAndGet() <= 2), status, 200, 400);

    String id = vertx.deployVerticle(verticle).await();

    eventually(() -> assertEquals(3, starts.get(), "two failed runs, then a third that keeps running"));
    eventually(() -> assertTrue(status.alive()));
    assertEquals(2, status.restarts());
    assertNull(status.problem(60_000));

    vertx.undeploy(id).await();
    assertFalse(status.alive(), "undeploying stops and joins the loop");
    assertEquals(3, starts.get(), "a stopped worker is not restarted");
  }

  @Test
  void aLoopThatKeepsDyingStaysDead(Vertx vertx) throws Exception {
    WorkerStatus status = new WorkerStatus("test-worker");
    String id = vertx.deployVerticle(new WorkerVerticle(() -> new FlakyLoop(true), status, 5_000, 5_000)).await();

    eventually(() -> assertEquals("not running", status.problem(60_000)));
    vertx.undeploy(id).await(10, TimeUnit.SECONDS);
  }
}
