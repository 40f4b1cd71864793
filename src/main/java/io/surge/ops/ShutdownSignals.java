package io.surge.ops;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * SIGTERM (and SIGINT): the first one stops the process gracefully; a second one, or the deadline, ends it at
 * once. A JVM shutdown hook cannot do this: once hooks run, further signals are ignored and nothing bounds them.
 * The deadline runs from the first signal, whatever the process is doing: a signal during a start that hangs (a
 * broker that does not answer) ends the process at the deadline too.
 */
public final class ShutdownSignals {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);
  /** The exit code when the stop was cut short; 0 means everything was finished and flushed. */
  public static final int FORCED = 1;

  private final Duration deadline;
  private final CountDownLatch signalled = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicInteger signals = new AtomicInteger();

  private ShutdownSignals(Duration deadline) {
    this.deadline = deadline;
  }

  /**
   * Takes over SIGTERM and SIGINT from now on; a signal that comes before {@link #awaitThenStop} is kept, and the
   * process ends {@code deadline} after the first signal unless it stopped before.
   */
  public static ShutdownSignals install(Duration deadline) {
    ShutdownSignals shutdown = new ShutdownSignals(deadline);
    SignalHandler handler = shutdown::signalled;
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
    return shutdown;
  }

  private void signalled(Signal signal) {
    if (signals.incrementAndGet() == 1) {
      LOG.info("SIG{}: stopping gracefully (send it again to stop at once)", signal.getName());
      signalled.countDown();
      Thread watchdog = new Thread(this::haltAtDeadline, "surge-shutdown-deadline");
      watchdog.setDaemon(true);
      watchdog.start();
    } else {
      LOG.warn("SIG{} again: stopping now, without finishing", signal.getName());
      Runtime.getRuntime().halt(FORCED);
    }
  }

  private void haltAtDeadline() {
    try {
      if (!stopped.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.error("not stopped within {} s: stopping now, without finishing", deadline.toSeconds());
        Runtime.getRuntime().halt(FORCED);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Blocks until the first signal, then runs {@code stop}; returns the exit code (or halts, at the deadline). */
  public int awaitThenStop(Supplier<Future<Void>> stop) {
    try {
      signalled.await();
      stop.get().await();
      stopped.countDown();
      LOG.info("stopped");
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.error("stopping failed: {}", e.toString());
    }
    return FORCED;
  }
}
