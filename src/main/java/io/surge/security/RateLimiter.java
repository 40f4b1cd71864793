package io.surge.security;

import io.surge.cache.RedisGate;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Per-key token buckets. The bucket lives in Redis and is updated by one atomic Lua script with Redis's own
 * clock, so the limit holds across every instance. When Redis does not answer, a bucket in this instance's
 * memory takes over (or, configured {@code deny}, the request is refused) until Redis is back.
 *
 * <p>A round trip per request would cap a key at what Redis answers (measured: about 2,400 limited requests/s
 * here), so an instance leases tokens ahead: each Redis call may take, beyond its own cost, up to 1/20 of the
 * rate (50 ms of it) from the shared bucket, and spends that lease locally for at most a second. Every token
 * still comes out of the one bucket, so instances together never exceed the limit; an instance may hold up to
 * 50 ms of rate it does not use (and must expire). Rates under 20/s take no lease: every unit goes to Redis.
 */
public final class RateLimiter {
  /** Capacity is one second of rate. A request may cost more than the capacity: it is let in on a full
   *  bucket and leaves it in debt, so big batches are slowed, not banned. */
  static final String SCRIPT = """
      redis.replicate_commands()
      local rate, cost, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
      local t = redis.call('TIME')
      local now = t[1] * 1000 + math.floor(t[2] / 1000)
      local b = redis.call('HMGET', KEYS[1], 'tokens', 'ms')
      local tokens, last = tonumber(b[1]), tonumber(b[2])
      if tokens == nil then tokens, last = rate, now end
      tokens = math.min(rate, tokens + (now - last) * rate / 1000)
      local granted = 0
      if tokens >= math.min(cost, rate) then
        tokens = tokens - cost
        granted = cost
        if lease > 0 and tokens >= 1 then
          local more = math.min(lease, math.floor(tokens))
          tokens = tokens - more
          granted = granted + more
        end
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ms', now)
      redis.call('PEXPIRE', KEYS[1], 2000 + math.ceil((rate - tokens) * 1000 / rate))
      return {granted, tostring(tokens)}
      """;

  private static final int LEASE_FRACTION = 20;
  private static final int MAX_BUCKETS = 100_000;
  private static final long LEASE_TTL_NANOS = 1_000_000_000L;

  /** The outcome: allowed or not, and the tokens left (negative while in debt). */
  public record Decision(boolean allowed, int limit, double tokens) {
    public int remaining() {
      return (int) Math.max(0, Math.floor(tokens));
    }

    /** Seconds until one more unit (or {@code cost} more, if denied) fits; at least 1. */
    public int retryAfterSeconds(int cost) {
      double missing = Math.min(cost, limit) - tokens;
      return (int) Math.max(1, Math.ceil(missing / limit));
    }

    /** Seconds until the bucket is full again. */
    public int resetSeconds() {
      return (int) Math.max(0, Math.ceil((limit - tokens) / limit));
    }
  }

  private final RedisGate redis;
  private final String keyPrefix;
  private final boolean localFallback;
  private final Map<String, LocalBucket> local = new ConcurrentHashMap<>();
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final LongAdder redisCalls = new LongAdder();
  private volatile String sha;

  public RateLimiter(RedisGate redis, String keyPrefix, boolean localFallback) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.localFallback = localFallback;
  }

  /**
   * Takes {@code cost} units from this instance's lease on the bucket {@code name}, without waiting: the (always
   * allowing) decision when the lease covers them, null when only {@link #acquire} can decide.
   */
  public Decision leased(String name, int rate, int cost) {
    return stateOf(leases, name, n -> new Lease()).take(rate, cost);
  }

  /** Takes {@code cost} units from the bucket {@code name} (key id and what is limited) refilled at {@code rate}/s. */
  public Future<Decision> acquire(String name, int rate, int cost) {
    Lease lease = stateOf(leases, name, n -> new Lease());
    Decision leased = lease.take(rate, cost);
    if (leased != null) {
      return Future.succeededFuture(leased);
    }
    int extra = lease.startRenewal() ? rate / LEASE_FRACTION : 0; // one renewal in flight: the rest pay as they go
    redisCalls.increment();
    return redis.call(r -> eval(r, name, rate, cost, extra))
        .andThen(ar -> {
          if (extra > 0) {
            lease.endRenewal();
          }
        })
        .map(granted -> lease.add(rate, cost, granted))
        .recover(e -> {
          if (!localFallback) {
            return Future.failedFuture(e);
          }
          return Future.succeededFuture(stateOf(local, name, n -> new LocalBucket()).take(rate, cost));
        });
  }

  /**
   * The state kept per name in {@code states}, made by {@code create} on first use. Names come from keys and
   * JWT subjects, so the map is cleared at {@value #MAX_BUCKETS} entries rather than grown without bound
   * (dropping a lease only leaves its tokens unused).
   */
  static <T> T stateOf(Map<String, T> states, String name, Function<String, T> create) {
    T state = states.get(name);
    if (state != null) {
      return state;
    }
    if (states.size() >= MAX_BUCKETS) {
      states.clear();
    }
    return states.computeIfAbsent(name, create);
  }

  /** Redis round trips made so far (leases make this far fewer than the requests). */
  public long redisCalls() {
    return redisCalls.sum();
  }

  /** The script's answer: tokens granted (0 when denied; more than the cost when a lease came with them). */
  private record Granted(long tokens, double left) {}

  private Future<Granted> eval(io.vertx.redis.client.Redis r, String name, int rate, int cost, int extra) {
    String key = keyPrefix + "rl:" + name;
    Function<Request, Request> args = call -> call.arg(1).arg(key).arg(rate).arg(cost).arg(extra);
    Future<String> loaded = sha != null ? Future.succeededFuture(sha)
        : r.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT)).map(Response::toString).onSuccess(s -> sha = s);
    return loaded.compose(s -> r.send(args.apply(Request.cmd(Command.EVALSHA).arg(s))))
        .recover(e -> {
          if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) { // Redis restarted and forgot it
            sha = null;
            return r.send(args.apply(Request.cmd(Command.EVAL).arg(SCRIPT)));
          }
          return Future.failedFuture(e);
        })
        .map(res -> new Granted(res.get(0).toLong(), Double.parseDouble(res.get(1).toString())));
  }

  /**
   * Tokens this instance took from the shared bucket ahead of need, spent locally until they run out or expire.
   * Lock-free: every event loop takes from the same lease, and on two busy cores a thread preempted while
   * holding a monitor would park the others (a CAS that loses just retries).
   */
  private static final class Lease {
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile long expiresAtNanos = System.nanoTime();
    private volatile double sharedLeft; // what the shared bucket had at the last call: for RateLimit-Remaining

    /** The decision when the lease covers {@code cost}; null when Redis must be asked. */
    Decision take(int rate, int cost) {
      if (System.nanoTime() - expiresAtNanos > 0) {
        return null;
      }
      long left;
      do {
        left = tokens.get();
        if (left < cost) {
          return null;
        }
      } while (!tokens.compareAndSet(left, left - cost));
      return new Decision(true, rate, sharedLeft + left - cost);
    }

    boolean startRenewal() {
      return renewing.compareAndSet(false, true);
    }

    void endRenewal() {
      renewing.set(false);
    }

    /** Records what Redis granted: the request's own cost, plus a lease when this call was the renewal. */
    Decision add(int rate, int cost, Granted granted) {
      sharedLeft = granted.left();
      if (granted.tokens() == 0) {
        return new Decision(false, rate, granted.left() + Math.max(0, tokens.get()));
      }
      long extra = granted.tokens() - cost;
      if (extra <= 0) {
        return new Decision(true, rate, sharedLeft + Math.max(0, tokens.get()));
      }
      // only a renewal moves the expiry: a fresh lease replaces expired tokens, else it tops up the live ones
      long now = System.nanoTime();
      long left = now - expiresAtNanos > 0 ? setTo(extra) : tokens.addAndGet(extra);
      expiresAtNanos = now + LEASE_TTL_NANOS;
      return new Decision(true, rate, sharedLeft + left);
    }

    private long setTo(long value) {
      tokens.set(value);
      return value;
    }
  }

  /** The same bucket in this instance's memory, for while Redis is away. */
  private static final class LocalBucket {
    private double tokens = Double.NaN;
    private long lastNanos;

    synchronized Decision take(int rate, int cost) {
      long now = System.nanoTime();
      tokens = Double.isNaN(tokens) ? rate : Math.min(rate, tokens + (now - lastNanos) * rate / 1e9);
      lastNanos = now;
      boolean allowed = tokens >= Math.min(cost, rate);
      if (allowed) {
        tokens -= cost;
      }
      return new Decision(allowed, rate, tokens);
    }
  }
}
