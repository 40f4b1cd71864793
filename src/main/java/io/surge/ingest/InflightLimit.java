package io.surge.ingest;

import java.util.concurrent.atomic.AtomicInteger;

/** A cap on events sent to Kafka but not yet acknowledged, shared by every ingest verticle of the process. */
public final class InflightLimit {
  private final int max;
  private final AtomicInteger inflight = new AtomicInteger();

  public InflightLimit(int max) {
    this.max = max;
  }

  /** Takes {@code n} permits, or none when that would pass the cap. A request larger than the cap still runs alone. */
  boolean tryAcquire(int n) {
    while (true) {
      int current = inflight.get();
      if (current > 0 && current + n > max) {
        return false;
      }
      if (inflight.compareAndSet(current, current + n)) {
        return true;
      }
    }
  }

  void release(int n) {
    inflight.addAndGet(-n);
  }

  public int inflight() {
    return inflight.get();
  }
}
