package io.surge.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Calls Redis on the read path with a short timeout, and skips it for a moment after a failure, so that a
 * Redis outage costs each query one fast local check instead of a connection attempt: reads go to Postgres.
 * Each failed call counts once in {@code surge.redis.failures} under the gate's operation; skipped calls do not.
 */
public final class RedisGate {
  private static final long TIMEOUT_MS = 500;
  private static final long OPEN_MS = 1000;

  private final Redis redis;
  private final Counter failures;
  private volatile long closedUntilNanos;

  /** {@code operation}: what the caller uses Redis for, a fixed name (the metric's label). */
  public RedisGate(Redis redis, MeterRegistry registry, String operation) {
    this.redis = redis;
    this.failures = RedisFailures.counter(registry, operation);
  }

  public <T> Future<T> call(Function<Redis, Future<T>> call) {
    if (System.nanoTime() < closedUntilNanos) {
      return Future.failedFuture("Redis skipped after a recent failure");
    }
    return call.apply(redis)
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(e -> {
          failures.increment();
          closedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OPEN_MS);
        });
  }
}
