package io.surge.security;

import io.surge.cache.RedisGate;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key token buckets. The bucket lives in Redis and is updated by one atomic Lua script with Redis's own
 * clock, so the limit holds across every instance. When Redis does not answer, a bucket in this instance's
 * memory takes over (or, configured {@code deny}, the request is refused) until Redis is back.
 */
public final class RateLimiter {
  /** Capacity is one second of rate. A request may cost more than the capacity: it is let in on a full
   *  bucket and leaves it in debt, so big batches are slowed, not banned. */
  static final String SCRIPT = """
      redis.replicate_commands()
      local rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2])
      local t = redis.call('TIME')
      local now = t[1] * 1000 + math.floor(t[2] / 1000)
      local b = redis.call('HMGET', KEYS[1], 'tokens', 'ms')
      local tokens, last = tonumber(b[1]), tonumber(b[2])
      if tokens == nil then tokens, last = rate, now end
      tokens = math.min(rate, tokens + (now - last) * rate / 1000)
      local allowed = 0
      if tokens >= math.min(cost, rate) then
        tokens = tokens - cost
        allowed = 1
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ms', now)
      redis.call('PEXPIRE', KEYS[1], 2000 + math.ceil((rate - tokens) * 1000 / rate))
      return {allowed, tostring(tokens)}
      """;

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
  private volatile String sha;

  public RateLimiter(RedisGate redis, String keyPrefix, boolean localFallback) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.localFallback = localFallback;
  }

  /** Takes {@code cost} units from the bucket {@code name} (key id and what is limited) refilled at {@code rate}/s. */
  public Future<Decision> acquire(String name, int rate, int cost) {
    return redis.call(r -> eval(r, name, rate, cost))
        .recover(e -> {
          if (!localFallback) {
            return Future.failedFuture(e);
          }
          return Future.succeededFuture(local.computeIfAbsent(name, n -> new LocalBucket()).take(rate, cost));
        });
  }

  private Future<Decision> eval(io.vertx.redis.client.Redis r, String name, int rate, int cost) {
    Future<String> loaded = sha != null ? Future.succeededFuture(sha)
        : r.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT)).map(Response::toString).onSuccess(s -> sha = s);
    return loaded.compose(s -> r.send(Request.cmd(Command.EVALSHA).arg(s).arg(1).arg(keyPrefix + "rl:" + name)
            .arg(rate).arg(cost)))
        .recover(e -> {
          if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) { // Redis restarted and forgot it
            sha = null;
            return r.send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(keyPrefix + "rl:" + name).arg(rate).arg(cost));
          }
          return Future.failedFuture(e);
        })
        .map(res -> new Decision(res.get(0).toInteger() == 1, rate, Double.parseDouble(res.get(1).toString())));
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
