package io.surge.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.surge.cache.RedisGate;
import io.surge.dev.FreePorts;
import io.surge.testing.RedisEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token bucket with leases against a real Redis: two limiters (two instances) share one bucket. */
@ExtendWith(VertxExtension.class)
class RateLimiterIT {

  @Test
  void leasesNeverGrantMoreThanTheSharedBucketAcrossInstances(Vertx vertx) {
    SharedBucket shared = SharedBucket.on(vertx);
    RateLimiter a = shared.a();
    RateLimiter b = shared.b();
    String bucket = shared.name();
    int rate = 400; // leases of 20 tokens

    long started = System.nanoTime();
    int allowed = 0;
    int requests = 0;
    while (System.nanoTime() - started < 1_500_000_000L) {
      List<Future<RateLimiter.Decision>> wave = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        wave.add((i % 2 == 0 ? a : b).acquire(bucket, rate, 1));
      }
      for (Future<RateLimiter.Decision> d : wave) {
        allowed += d.await().allowed() ? 1 : 0;
      }
      requests += wave.size();
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    // a full bucket (one second of rate) plus the refill while the test ran, whatever the instances leased
    assertTrue(allowed <= rate + Math.ceil(seconds * rate), allowed + " allowed in " + seconds + " s");
    // and the limit is reached, not starved: leases held but unused are at most 2 x 20 tokens per renewal
    assertTrue(allowed >= rate + seconds * rate * 0.5, allowed + " allowed in " + seconds + " s");
    assertTrue(requests > allowed, "the load never hit the limit: " + requests + " requests");
    long calls = a.redisCalls() + b.redisCalls();
    assertTrue(calls < requests, calls + " Redis calls for " + requests + " requests");
  }

  @Test
  void aHighLimitCostsAFractionOfARedisCallPerRequest(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, RedisEngine.uniquePrefix());
    String bucket = "key-" + UUID.randomUUID();
    for (int i = 0; i < 2000; i++) {
      assertTrue(limiter.acquire(bucket, 1_000_000, 1).await().allowed());
    }
    // one call leases 50,000 tokens; a handful of calls raced the first renewal
    assertTrue(limiter.redisCalls() <= 5, limiter.redisCalls() + " Redis calls");
  }

  @Test
  void aLeaseAnswersWithoutRedisUntilItIsSpent(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, RedisEngine.uniquePrefix());
    String bucket = "key-" + UUID.randomUUID();
    assertNull(limiter.leased(bucket, 400, 1), "no lease before the first Redis call");
    RateLimiter.Decision first = limiter.acquire(bucket, 400, 1).await(); // takes 1, plus a lease of 20

    for (int i = 1; i <= 20; i++) {
      RateLimiter.Decision leased = limiter.leased(bucket, 400, 1);
      assertTrue(leased != null && leased.allowed(), "leased token " + i);
      assertEquals(first.remaining() - i, leased.remaining());
    }
    assertNull(limiter.leased(bucket, 400, 1), "the lease of 20 is spent");
    assertEquals(1, limiter.redisCalls());
  }

  @Test
  void aSmallRateIsNeverAnsweredFromALease(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, RedisEngine.uniquePrefix());
    String bucket = "key-" + UUID.randomUUID();
    assertTrue(limiter.acquire(bucket, 19, 1).await().allowed());
    assertNull(limiter.leased(bucket, 19, 1));
  }

  @Test
  void smallRatesTakeNoLeaseSoEveryUnitIsCountedInRedis(Vertx vertx) {
    SharedBucket shared = SharedBucket.on(vertx);
    RateLimiter a = shared.a();
    RateLimiter b = shared.b();
    String bucket = shared.name();
    assertTrue(a.acquire(bucket, 3, 1).await().allowed());
    assertTrue(b.acquire(bucket, 3, 1).await().allowed());
    RateLimiter.Decision third = a.acquire(bucket, 3, 1).await();
    assertTrue(third.allowed());
    assertEquals(0, third.remaining());
    assertFalse(b.acquire(bucket, 3, 1).await().allowed());
    assertEquals(4, a.redisCalls() + b.redisCalls());
  }

  @Test
  void aRedisThatRefusesIsCountedOnceAndTheLocalBucketDecides(Vertx vertx) {
    MeterRegistry registry = new SimpleMeterRegistry();
    Redis refusing = Redis.createClient(vertx, "redis://127.0.0.1:" + FreePorts.pick()); // nothing listens there
    RateLimiter limiter = new RateLimiter(new RedisGate(refusing, registry, "rate_limit"), RedisEngine.uniquePrefix(), true);
    String bucket = "key-" + UUID.randomUUID();

    assertTrue(limiter.acquire(bucket, 3, 1).await().allowed(), "the local bucket answers");
    assertTrue(limiter.acquire(bucket, 3, 1).await().allowed(), "the gate skips Redis for a moment");

    // one failed call; the skipped one sent nothing and is not a Redis failure
    assertEquals(1, registry.get("surge.redis.failures").tag("operation", "rate_limit").counter().count());
  }

  /** Two limiters (two instances) with the same Redis key prefix, and a fresh bucket name they share. */
  private record SharedBucket(RateLimiter a, RateLimiter b, String name) {
    static SharedBucket on(Vertx vertx) {
      String prefix = RedisEngine.uniquePrefix();
      return new SharedBucket(limiter(vertx, prefix), limiter(vertx, prefix), "key-" + UUID.randomUUID());
    }
  }

  private static RateLimiter limiter(Vertx vertx, String prefix) {
    return new RateLimiter(new RedisGate(Redis.createClient(vertx, RedisEngine.url()), new SimpleMeterRegistry(), "rate_limit"),
        prefix, true);
  }
}
