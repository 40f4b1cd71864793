package io.surge.security;

import io.surge.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The per-key limits of a request: requests per second on every {@code /v1} route, events per second on
 * ingest. Answers carry {@code RateLimit-Limit}/{@code -Remaining}/{@code -Reset}; over the limit is 429 with
 * {@code Retry-After}. A key without a limit is not limited.
 */
public final class RateLimits {
  private final RateLimiter limiter;

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
    Future<Void> checked = check(ctx, p.keyId() + ":req", p.requestsPerSecond(), 1, "requests");
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
    return check(ctx, p.keyId() + ":events", p.eventsPerSecond(), events, "events");
  }

  private Future<Void> check(RoutingContext ctx, String bucket, int rate, int cost, String what) {
    return limiter.acquire(bucket, rate, cost)
        .recover(e -> Future.failedFuture(Problems.unavailable("rate limits cannot be checked right now", 1, e)))
        .compose(d -> {
          HttpServerResponse response = ctx.response();
          response.putHeader("RateLimit-Limit", Integer.toString(d.limit()))
              .putHeader("RateLimit-Remaining", Integer.toString(d.remaining()))
              .putHeader("RateLimit-Reset", Integer.toString(d.resetSeconds()));
          return d.allowed() ? Future.<Void>succeededFuture()
              : Future.failedFuture(Problems.tooManyRequests("this API key may send " + rate + " " + what
                  + " per second", d.retryAfterSeconds(cost)));
        });
  }
}
