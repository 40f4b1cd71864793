package io.surge.security;

import io.surge.http.ProblemException;
import io.surge.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Guards every {@code /v1} route: {@code Authorization: Bearer <key>} must name a live key, else 401 (with
 * {@code WWW-Authenticate}), or 429 once the client's address has failed too often. Runs before any body is
 * read, so an anonymous client cannot make Surge buffer one.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  private static final String BEARER = "Bearer ";

  private final Authenticator authenticator;
  private final JwtVerifier jwt;

  /** {@code jwt}: null when JWT bearer tokens are not configured. */
  public AuthHandler(Authenticator authenticator, JwtVerifier jwt) {
    this.authenticator = authenticator;
    this.jwt = jwt;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      ctx.fail(Problems.unauthorized("send Authorization: Bearer <API key>"));
      return;
    }
    String token = header.substring(BEARER.length()).trim();
    Future<Principal> checked = jwt != null && JwtVerifier.looksLikeJwt(token) ? jwt.verify(token)
        : authenticator.authenticate(token, address(request));
    if (checked.succeeded()) { // a cached key: answered now, no callbacks to run
      admit(ctx, checked.result());
      return;
    }
    if (!checked.isComplete() && !request.isEnded()) {
      request.pause(); // a database lookup: hold the body until it answers (the body handler resumes it)
    }
    checked.onSuccess(principal -> admit(ctx, principal))
        .onFailure(e -> ctx.fail(e instanceof ProblemException problem ? problem // too many failures: 429
            : Problems.unavailable("credentials cannot be checked right now", 2, e)));
  }

  /** The peer's address: failed authentications are limited per address. */
  private static String address(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    return peer == null || peer.hostAddress() == null ? "" : peer.hostAddress();
  }

  private static void admit(RoutingContext ctx, Principal principal) {
    if (principal == null) {
      ctx.fail(Problems.unauthorized("the API key or token is not valid, has expired or has been revoked"));
    } else {
      ctx.put(Principal.CONTEXT_KEY, principal);
      ctx.next();
    }
  }

  /** A route handler that lets the request on only when the caller has {@code scope}; 403 otherwise. */
  public static Handler<RoutingContext> requires(Scope scope) {
    return ctx -> {
      if (Principal.of(ctx).scopes().contains(scope)) {
        ctx.next();
      } else {
        ctx.fail(Problems.forbidden("this API key lacks the '" + scope.wire() + "' scope"));
      }
    };
  }
}
