package io.surge.security;

import io.surge.config.SurgeConfig.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * JWT bearer tokens from an organisation's identity provider: the signature is checked with the configured
 * public key, {@code exp}/{@code nbf} (and issuer/audience when configured) are enforced, and the tenant and
 * scopes come from the configured claims. A token without a valid tenant or any scope is refused.
 */
public final class JwtVerifier {
  private final JWTAuth auth;
  private final JwtConfig config;

  public JwtVerifier(Vertx vertx, JwtConfig config) {
    this.config = config;
    JWTOptions verify = new JWTOptions().setLeeway(config.leewaySeconds());
    if (config.issuer() != null) {
      verify.setIssuer(config.issuer());
    }
    if (config.audience() != null) {
      verify.setAudience(List.of(config.audience()));
    }
    this.auth = JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(verify)
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(config.algorithm()).setBuffer(config.publicKeyPem())));
  }

  /** A JWT has three base64url parts; an API key never contains a dot. */
  public static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    return first > 0 && token.indexOf('.', first + 1) > first && token.chars().filter(c -> c == '.').count() == 2;
  }

  /** The principal of a valid token; null for an invalid, expired, not-yet-valid or under-claimed one. */
  public Future<Principal> verify(String token) {
    return auth.authenticate(new TokenCredentials(token))
        .map(user -> principal(user.principal()))
        .otherwise((Principal) null);
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
    return new Principal("jwt:" + t + ":" + subject, t, scopes, false, null, null);
  }
}
