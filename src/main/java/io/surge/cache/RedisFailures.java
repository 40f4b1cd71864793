package io.surge.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The one meter of failed Redis calls, labelled by what the call was for (a fixed name per caller). */
public final class RedisFailures {
  private RedisFailures() {}

  public static Counter counter(MeterRegistry registry, String operation) {
    return Counter.builder("surge.redis.failures").tag("operation", operation)
        .description("Redis calls that failed or timed out (each counted once)").register(registry);
  }
}
