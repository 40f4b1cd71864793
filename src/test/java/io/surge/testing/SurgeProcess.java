package io.surge.testing;

import io.surge.dev.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code surge run} in a child JVM (the test classpath), for what must hold across processes that share only
 * Kafka, Postgres and Redis. Its output goes to a temporary log file that failures quote.
 */
public final class SurgeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int httpPort;

  private SurgeProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /** Starts {@code surge run --roles roles} with the SURGE_* variables {@code env} (its SURGE_ROLES is ignored). */
  public static SurgeProcess start(Map<String, String> env, String roles) {
    try {
      Path log = Files.createTempFile("surge-" + roles.replace(',', '-'), ".log");
      int port = FreePorts.pick();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.surge.Surge",
          "run", "--roles", roles)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      pb.environment().remove("SURGE_ROLES");
      pb.environment().put("SURGE_HTTP_PORT", Integer.toString(port));
      return new SurgeProcess(pb.start(), log, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HTTP port the process was told to listen on (meaningful once it logged that it listens). */
  public int httpPort() {
    return httpPort;
  }

  /** Waits up to a minute for {@code text} in the process's output; fails if the process exits first. */
  public SurgeProcess awaitLog(String text) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String output = output();
      if (output.contains(text)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError("surge process exited: " + output);
      }
      sleep(100);
    }
    throw new AssertionError("surge process never logged '" + text + "': " + output());
  }

  /** kill -9: the process gets no chance to finish anything. Returns once it is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /**
   * SIGTERM: the process stops gracefully (drain, answer requests in flight, flush the producer, commit batches).
   * Returns its exit code, or fails if it is still running after {@code timeout}.
   */
  public int terminate(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  /** Sends SIGTERM and returns at once. */
  public void sigterm() {
    process.destroy();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, once the process ended; fails if it is still running after {@code timeout}. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("surge process still running " + timeout + " after the signal: " + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
