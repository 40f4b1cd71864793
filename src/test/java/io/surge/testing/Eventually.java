package io.surge.testing;

import java.time.Duration;

/** The one way tests wait: retry an assertion until it holds or the time is up, then fail with its last error. */
public final class Eventually {
  public static final Duration DEFAULT = Duration.ofSeconds(30);
  private static final long POLL_MS = 50;

  /** An assertion that may throw anything; it holds when it returns. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  private Eventually() {}

  public static void eventually(Check check) {
    eventually(DEFAULT, check);
  }

  public static void eventually(Duration timeout, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (Throwable e) {
        if (System.nanoTime() > deadline) {
          AssertionError failed = new AssertionError("still failing after " + timeout.toSeconds() + " s: " + e.getMessage(), e);
          throw failed;
        }
      }
      try {
        Thread.sleep(POLL_MS); // the poll interval of this helper, not a synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting", e);
      }
    }
  }
}
