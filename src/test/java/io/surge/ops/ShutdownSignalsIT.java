package io.surge.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signal handling of {@code surge run}, in a child JVM whose "stop" is as quick or as stuck as each test needs. */
class ShutdownSignalsIT {

  /**
   * The child: installs the handlers, says so, and exits with what awaitThenStop returns; "completes" stops at
   * once, "never" never finishes stopping, "start-hangs" never finishes starting (never reaches awaitThenStop).
   */
  public static void main(String[] args) {
    ShutdownSignals signals = ShutdownSignals.install(Duration.ofMillis(Long.parseLong(args[1])));
    System.out.println("ready");
    System.out.flush();
    if (args[0].equals("start-hangs")) {
      Promise.<Void>promise().future().await();
    }
    boolean stopCompletes = args[0].equals("completes");
    System.exit(signals.awaitThenStop(() -> stopCompletes ? Future.succeededFuture() : Promise.<Void>promise().future()));
  }

  @Test
  void aStopThatFinishesExitsZero() throws Exception {
    Process child = start("completes", 60_000);
    child.destroy();
    assertEquals(0, exitWithin(child, Duration.ofSeconds(10)));
  }

  @Test
  void aSecondSigtermEndsAStuckStopAtOnce() throws Exception {
    Process child = start("never", 60_000);
    child.destroy();
    Thread.sleep(300); // the subject: a second signal some time after the first
    long second = System.nanoTime();
    child.destroy();
    assertEquals(ShutdownSignals.FORCED, exitWithin(child, Duration.ofSeconds(10)));
    assertTrue(System.nanoTime() - second < TimeUnit.SECONDS.toNanos(5), "exited long after the second SIGTERM");
  }

  /** A stop that never finishes ("never"), or a start that never does ("start-hangs"). */
  @ParameterizedTest
  @ValueSource(strings = {"never", "start-hangs"})
  void theDeadlineEndsWhatIsStuck(String mode) throws Exception {
    Process child = start(mode, 1_000);
    long signalled = System.nanoTime();
    child.destroy();
    assertEquals(ShutdownSignals.FORCED, exitWithin(child, Duration.ofSeconds(10)));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
    assertTrue(ms >= 1_000, "exited " + ms + " ms after SIGTERM, before the 1 s deadline");
  }

  private static Process start(String mode, long deadlineMs) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ShutdownSignalsIT.class.getName(),
        mode, Long.toString(deadlineMs)).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("ready")) {
      // log lines before the handlers are in place
    }
    assertEquals("ready", line, "the child ended before installing its handlers");
    return child;
  }

  private static int exitWithin(Process child, Duration timeout) throws InterruptedException {
    assertTrue(child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS), "still running " + timeout + " after SIGTERM");
    return child.exitValue();
  }
}
