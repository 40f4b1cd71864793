package io.surge.node;

import io.surge.config.SurgeConfig;
import io.surge.security.AdminRoutes;
import io.surge.security.AuthHandler;
import io.surge.security.Authenticator;
import io.surge.security.JwtVerifier;
import io.surge.security.KeyStore;
import io.surge.security.RateLimiter;
import io.surge.security.RateLimits;
import io.surge.cache.RedisGate;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/** API keys and JWTs for the HTTP roles: the bearer check in front of every /v1 route, and the key admin routes. */
public final class SecurityStarter {
  private static final Logger LOG = LoggerFactory.getLogger(SecurityStarter.class);

  /** {@code guard} is mounted before any other route; {@code admin} after the busy ones. */
  public record Security(Consumer<Router> guard, Consumer<Router> admin, RateLimits rateLimits) {}

  private SecurityStarter() {}

  public static Future<Security> start(SharedClients shared) {
    SurgeConfig config = shared.config();
    KeyStore keys = new KeyStore(shared.pool());
    RateLimits rateLimits = new RateLimits(new RateLimiter(new RedisGate(shared.redis(), shared.metrics().registry(), "rate_limit"),
        config.redis().keyPrefix(),
        config.security().rateLimitLocalFallback()));
    Future<JwtVerifier> jwt = config.security().jwt() == null ? Future.succeededFuture()
        : JwtVerifier.start(shared.vertx(), config.security().jwt());
    String bootstrap = config.security().bootstrapKey();
    return jwt
        .compose(verifier -> bootstrap == null ? Future.succeededFuture(verifier) : keys.ensureBootstrap(bootstrap)
            .onSuccess(k -> LOG.info("bootstrap key (tenant default, all scopes) is set"))
            .map(verifier))
        .map(verifier -> {
          // one shared by every event loop: the key cache and the failed-authentication counts are per process
          AuthHandler auth = new AuthHandler(new Authenticator(keys, config.security()), verifier);
          return new Security(router -> router.route("/v1/*").handler(auth).handler(rateLimits::requests),
              new AdminRoutes(keys)::mount, rateLimits);
        });
  }
}
