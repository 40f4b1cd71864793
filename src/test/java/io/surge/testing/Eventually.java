package io.surge.testing;

import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingSupplier;

import java.time.Duration;

/**
 * The one way tests wait for something that happens elsewhere (another process, a worker, a broker): retry an
 * assertion every 100 ms until it passes or the timeout ends, then fail with its last failure.
 */
public final class Eventually {
  private static final long POLL_MS = 100;
  public static final Duration DEFAULT = Duration.ofSeconds(30);

  private Eventually() {}

  /** {@link #eventually(Duration, Executable)} within {@link #DEFAULT}. */
  public static void eventually(Executable assertion) {
    eventually(DEFAULT, assertion);
  }

  /** Retries {@code assertion} until it throws nothing; after {@code timeout}, throws its last failure. */
  public static void eventually(Duration timeout, Executable assertion) {
    eventually(timeout, () -> {
      assertion.execute();
      return null;
    });
  }

  /** Retries {@code value} until it returns without throwing and returns that; after {@code timeout}, fails. */
  public static <T> T eventually(Duration timeout, ThrowingSupplier<T> value) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return value.get();
      } catch (Throwable failure) {
        if (failure instanceof InterruptedException || System.nanoTime() - deadline > 0) {
          AssertionError timedOut = new AssertionError("not within " + timeout + ": " + failure.getMessage(), failure);
          throw timedOut;
        }
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting", e);
      }
    }
  }
}
