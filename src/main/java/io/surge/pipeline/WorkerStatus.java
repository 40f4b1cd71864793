package io.surge.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one worker's loop last did, written by its thread and read by health checks (and metrics): whether it
 * runs, when it last made progress (a committed batch, or an idle poll with nothing behind), and its lag.
 */
public final class WorkerStatus {
  private final String name;
  private volatile boolean alive;
  private volatile long lastProgressNanos = System.nanoTime();
  private volatile long lag;
  private volatile int holding;
  private final AtomicLong polled = new AtomicLong();
  private final AtomicLong persisted = new AtomicLong();
  private final AtomicLong invalid = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong restarts = new AtomicLong();

  public WorkerStatus(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  void started() {
    alive = true;
    lastProgressNanos = System.nanoTime();
  }

  void ended() {
    alive = false;
  }

  void restarted() {
    restarts.incrementAndGet();
  }

  void polled(int records, long lag, boolean idle) {
    polled.addAndGet(records);
    this.lag = lag;
    if (idle && lag == 0) {
      lastProgressNanos = System.nanoTime();
    }
  }

  /** Records polled and not yet committed: behind as much as lag is, though the consumer's position passed them. */
  void holding(int records) {
    holding = records;
  }

  /** {@code invalid}: records the decoder refused; {@code refused}: records Postgres refused. */
  void persisted(int events, int invalid, int refused) {
    persisted.addAndGet(events);
    this.invalid.addAndGet(invalid);
    this.refused.addAndGet(refused);
    lastProgressNanos = System.nanoTime();
  }

  void retried() {
    retries.incrementAndGet();
  }

  /** Why this worker is not healthy, or null when it is: dead, or stuck with lag for longer than {@code stallMs}. */
  public String problem(long stallMs) {
    if (!alive) {
      return "not running";
    }
    long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastProgressNanos);
    long behind = lag + holding;
    return behind > 0 && idleMs > stallMs ? "no progress for " + idleMs / 1000 + " s with " + behind + " records behind"
        : null;
  }

  public boolean alive() {
    return alive;
  }

  public long lag() {
    return lag;
  }

  public long persistedEvents() {
    return persisted.get();
  }

  long invalidRecords() {
    return invalid.get();
  }

  long refusedRecords() {
    return refused.get();
  }

  long polled() {
    return polled.get();
  }

  double secondsSinceProgress() {
    return (System.nanoTime() - lastProgressNanos) / 1e9;
  }

  /** Failed attempts retried after an outage (or an error not yet known to be the data's). */
  public long retries() {
    return retries.get();
  }

  public long restarts() {
    return restarts.get();
  }
}
