package io.surge.security;

import io.surge.config.SurgeConfig.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * JWT bearer tokens from an organisation's identity provider: the signature is checked with the configured
 * public key and/or the provider's JWK Set, {@code exp}/{@code nbf} (and issuer/audience when configured) are
 * enforced, and the tenant and scopes come from the configured claims. A token without a valid tenant or any
 * scope is refused.
 *
 * <p>The JWK Set is fetched at start and every {@code jwksRefreshSeconds}; a token naming a key id not seen yet
 * (the provider rotated its keys) makes it fetch again at once, but at most once per {@link #REFETCH_NANOS},
 * so a flood of made-up key ids cannot turn Surge into a load on the provider.
 */
public final class JwtVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);
  static final long REFETCH_NANOS = 10_000_000_000L;

  private final Vertx vertx;
  private final JwtConfig config;
  private final JwksSource jwks;
  private volatile Keys keys;
  private Future<Void> fetching; // the fetch in flight, shared by whoever needs it; guarded by this
  private long lastKeyIdFetchNanos; // when an unknown key id last caused a fetch; guarded by this

  /**
   * The verifier of the keys known now (null while none is: a JWTAuth without keys would take unsigned tokens)
   * and which key ids it has, for telling a rotation from a forgery.
   */
  private record Keys(JWTAuth auth, Set<String> kids) {
    Future<User> authenticate(String token) {
      return auth == null ? Future.failedFuture("no signing key is loaded")
          : auth.authenticate(new TokenCredentials(token));
    }
  }

  private JwtVerifier(Vertx vertx, JwtConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.jwks = config.jwksUrl() == null ? null : new JwksSource(vertx, config.jwksUrl(), config.algorithm());
    this.keys = build(List.of());
    this.lastKeyIdFetchNanos = System.nanoTime() - REFETCH_NANOS;
  }

  /**
   * A verifier with its keys loaded. A JWK Set that cannot be fetched does not stop Surge (API keys still
   * work): it is logged, tokens are refused until a later fetch succeeds.
   */
  public static Future<JwtVerifier> start(Vertx vertx, JwtConfig config) {
    JwtVerifier verifier = new JwtVerifier(vertx, config);
    if (verifier.jwks == null) {
      return Future.succeededFuture(verifier);
    }
    vertx.setPeriodic(config.jwksRefreshSeconds() * 1000L, id -> verifier.refetch());
    return verifier.refetch().otherwiseEmpty().map(verifier);
  }

  /** A JWT has three base64url parts; an API key never contains a dot. */
  public static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    return first > 0 && token.indexOf('.', first + 1) > first && token.chars().filter(c -> c == '.').count() == 2;
  }

  /** The principal of a valid token; null for an invalid, expired, not-yet-valid or under-claimed one. */
  public Future<Principal> verify(String token) {
    Keys current = keys;
    return current.authenticate(token)
        .recover(e -> {
          String kid = jwks == null ? null : keyId(token); // a header is only worth parsing when keys can be fetched
          if (kid == null || current.kids().contains(kid) || !mayFetchForUnknownKeyId()) {
            return Future.failedFuture(e);
          }
          return refetch().compose(v -> keys.authenticate(token));
        })
        .map(user -> principal(user.principal()))
        .otherwise((Principal) null);
  }

  private synchronized boolean mayFetchForUnknownKeyId() {
    long now = System.nanoTime();
    if (now - lastKeyIdFetchNanos < REFETCH_NANOS) {
      return false;
    }
    lastKeyIdFetchNanos = now;
    return true;
  }

  /** Fetches the JWK Set (or joins the fetch in flight) and swaps in its keys; old keys stay on failure. */
  private synchronized Future<Void> refetch() {
    if (fetching != null) {
      return fetching;
    }
    fetching = jwks.fetch()
        .map(this::build)
        .onSuccess(k -> {
          keys = k;
          LOG.info("{} signing key(s) from the JWK Set at {}", k.kids().size(), jwks.url());
        })
        .onFailure(e -> LOG.warn("the JWK Set at {} could not be loaded, keeping the keys known: {}", jwks.url(),
            e.getMessage()))
        .andThen(ar -> {
          synchronized (this) {
            fetching = null;
          }
        })
        .mapEmpty();
    return fetching;
  }

  private Keys build(List<JsonObject> jwks) {
    JWTOptions verify = new JWTOptions().setLeeway(config.leewaySeconds());
    if (config.issuer() != null) {
      verify.setIssuer(config.issuer());
    }
    if (config.audience() != null) {
      verify.setAudience(List.of(config.audience()));
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verify);
    if (config.publicKeyPem() != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(config.algorithm()).setBuffer(config.publicKeyPem()));
    }
    Set<String> kids = new HashSet<>();
    for (JsonObject jwk : jwks) {
      options.addJwk(jwk);
      kids.add(jwk.getString("kid", ""));
    }
    boolean none = config.publicKeyPem() == null && jwks.isEmpty();
    return new Keys(none ? null : JWTAuth.create(vertx, options), Set.copyOf(kids));
  }

  /** The {@code kid} of a token's header, or null when it has none or the header is not JSON. */
  static String keyId(String token) {
    try {
      String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
          StandardCharsets.UTF_8);
      return new JsonObject(header).getValue("kid") instanceof String kid ? kid : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Principal principal(JsonObject claims) {
    Object tenant = claims.getValue(config.tenantClaim());
    if (!(tenant instanceof String t) || !AdminRoutes.TENANT.matcher(t).matches()) {
      return null;
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    Object raw = claims.getValue(config.scopesClaim());
    Iterable<?> names = raw instanceof String s ? List.of(s.trim().split("\\s+"))
        : raw instanceof JsonArray a ? a : List.of();
    for (Object name : names) {
      Scope scope = name instanceof String n ? Scope.parse(n) : null;
      if (scope != null) {
        scopes.add(scope);
      }
    }
    if (scopes.isEmpty()) {
      return null;
    }
    String subject = claims.getString("sub", "anonymous");
    // the rate limits of a token hold per tenant and subject: every token the provider issues to one client shares them
    return new Principal("jwt:" + t + ":" + subject, t, scopes, false, config.requestsPerSecond(),
        config.eventsPerSecond());
  }
}
