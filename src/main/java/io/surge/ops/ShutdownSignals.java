package io.surge.ops;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * SIGTERM (and SIGINT): the first one stops the process gracefully; a second one, or the deadline, ends it at
 * once. A JVM shutdown hook cannot do this: once hooks run, further signals are ignored and nothing bounds them.
 */
public final class ShutdownSignals {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);
  /** The exit code when the stop was cut short; 0 means everything was finished and flushed. */
  public static final int FORCED = 1;

  private final CountDownLatch signalled = new CountDownLatch(1);
  private final AtomicInteger signals = new AtomicInteger();

  private ShutdownSignals() {}

  /** Takes over SIGTERM and SIGINT from now on; a signal that comes before {@link #awaitThenStop} is kept. */
  public static ShutdownSignals install() {
    ShutdownSignals shutdown = new ShutdownSignals();
    SignalHandler handler = shutdown::signalled;
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
    return shutdown;
  }

  private void signalled(Signal signal) {
    if (signals.incrementAndGet() == 1) {
      LOG.info("SIG{}: stopping gracefully (send it again to stop at once)", signal.getName());
      signalled.countDown();
    } else {
      LOG.warn("SIG{} again: stopping now, without finishing", signal.getName());
      Runtime.getRuntime().halt(FORCED);
    }
  }

  /** Blocks until the first signal, then runs {@code stop}; returns the exit code (or halts, when forced). */
  public int awaitThenStop(Supplier<Future<Void>> stop, Duration deadline) {
    try {
      signalled.await();
      stop.get().await(deadline.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("stopped");
      return 0;
    } catch (TimeoutException e) {
      LOG.error("not stopped within {} s: stopping now, without finishing", deadline.toSeconds());
      Runtime.getRuntime().halt(FORCED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.error("stopping failed: {}", e.toString());
    }
    return FORCED;
  }
}
