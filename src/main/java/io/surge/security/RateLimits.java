package io.surge.security;

import io.surge.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-key limits of a request: requests per second on every {@code /v1} route, events per second on
 * ingest. Answers carry {@code RateLimit-Limit}/{@code -Remaining}/{@code -Reset}; over the limit is 429 with
 * {@code Retry-After}. A key without a limit is not limited.
 */
public final class RateLimits {
  private static final CharSequence LIMIT = HttpHeaders.createOptimized("RateLimit-Limit");
  private static final CharSequence REMAINING = HttpHeaders.createOptimized("RateLimit-Remaining");
  private static final CharSequence RESET = HttpHeaders.createOptimized("RateLimit-Reset");

  private final RateLimiter limiter;
  /** Bucket names per key id, made once: a name built per request would be hashed per request too (bounded
   *  like the limiter's own state). */
  private final Map<String, Buckets> names = new ConcurrentHashMap<>();

  private record Buckets(String requests, String events) {}

  public RateLimits(RateLimiter limiter) {
    this.limiter = limiter;
  }

  /** The route handler for requests per second; runs after {@link AuthHandler}. */
  public void requests(RoutingContext ctx) {
    Principal p = Principal.of(ctx);
    if (p.requestsPerSecond() == null) {
      ctx.next();
      return;
    }
    Future<Void> checked = check(ctx, buckets(p).requests(), p.requestsPerSecond(), 1, "requests");
    if (checked.succeeded()) { // the common case under load: answered from the lease, no callbacks to run
      ctx.next();
      return;
    }
    if (!checked.isComplete() && !ctx.request().isEnded()) {
      ctx.request().pause(); // the body is not read before the request is let in; the body handler resumes it
    }
    checked.onSuccess(v -> ctx.next())
        .onFailure(ctx::fail);
  }

  /** Takes {@code events} from the key's events-per-second bucket; a failed future is the 429 to answer. */
  public Future<Void> events(RoutingContext ctx, int events) {
    Principal p = Principal.of(ctx);
    if (p.eventsPerSecond() == null || events == 0) {
      return Future.succeededFuture();
    }
    return check(ctx, buckets(p).events(), p.eventsPerSecond(), events, "events");
  }

  private Buckets buckets(Principal p) {
    return RateLimiter.stateOf(names, p.keyId(), id -> new Buckets(id + ":req", id + ":events"));
  }

  /**
   * The bucket's decision, with the headers written: already complete (and without a future chain) when this
   * instance's lease covers the cost, else once Redis has answered.
   */
  private Future<Void> check(RoutingContext ctx, String bucket, int rate, int cost, String what) {
    RateLimiter.Decision leased = limiter.leased(bucket, rate, cost);
    if (leased != null) {
      putHeaders(ctx, leased);
      return Future.succeededFuture();
    }
    return limiter.acquire(bucket, rate, cost)
        .recover(e -> Future.failedFuture(Problems.unavailable("rate limits cannot be checked right now", 1, e)))
        .compose(d -> {
          putHeaders(ctx, d);
          return d.allowed() ? Future.<Void>succeededFuture()
              : Future.failedFuture(Problems.tooManyRequests("these credentials may send " + rate + " " + what
                  + " per second", d.retryAfterSeconds(cost)));
        });
  }

  private static void putHeaders(RoutingContext ctx, RateLimiter.Decision d) {
    ctx.response().putHeader(LIMIT, Integer.toString(d.limit()))
        .putHeader(REMAINING, Integer.toString(d.remaining()))
        .putHeader(RESET, Integer.toString(d.resetSeconds()));
  }
}
