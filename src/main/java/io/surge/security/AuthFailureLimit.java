package io.surge.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;

/**
 * At most {@code perMinute} failed authentications per client address: a bucket per address holding a minute's
 * worth, refilled continuously. An address that has used its bucket up is refused before its next token costs
 * a lookup. Addresses live in a size-bounded cache, so a flood of addresses cannot grow memory; an address idle
 * for a minute is forgotten, which is what its bucket would say anyway (full again).
 */
final class AuthFailureLimit {
  private static final int MAX_ADDRESSES = 100_000;
  private static final double NANOS_PER_MINUTE = 60e9;

  private final int perMinute;
  private final Cache<String, Bucket> buckets;

  /** {@code perMinute}: 0 turns the limit off. */
  AuthFailureLimit(int perMinute) {
    this.perMinute = perMinute;
    this.buckets = Caffeine.newBuilder().maximumSize(MAX_ADDRESSES).expireAfterAccess(Duration.ofMinutes(1)).build();
  }

  /** Seconds {@code address} must wait before it may fail again; 0 when it may go on. */
  int retryAfterSeconds(String address) {
    if (perMinute == 0) {
      return 0;
    }
    Bucket bucket = buckets.getIfPresent(address);
    return bucket == null ? 0 : bucket.retryAfterSeconds(perMinute, System.nanoTime());
  }

  /** Counts a failure of {@code address}: 0 while within the limit, else the seconds it must wait. */
  int record(String address) {
    if (perMinute == 0) {
      return 0;
    }
    return buckets.get(address, a -> new Bucket(perMinute)).take(perMinute, System.nanoTime());
  }

  /** Failures still allowed, as fractional tokens; the unhappy path only, so a monitor is cheap enough. */
  private static final class Bucket {
    private double tokens;
    private long lastNanos = System.nanoTime();

    Bucket(int perMinute) {
      this.tokens = perMinute;
    }

    synchronized int take(int perMinute, long now) {
      refill(perMinute, now);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return wait(perMinute);
    }

    synchronized int retryAfterSeconds(int perMinute, long now) {
      refill(perMinute, now);
      return tokens >= 1 ? 0 : wait(perMinute);
    }

    private void refill(int perMinute, long now) {
      tokens = Math.min(perMinute, tokens + (now - lastNanos) * perMinute / NANOS_PER_MINUTE);
      lastNanos = now;
    }

    private int wait(int perMinute) {
      return (int) Math.max(1, Math.ceil((1 - tokens) * 60 / perMinute));
    }
  }
}
