package io.surge.security;

import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * Who is calling: the tenant every read and write is scoped to, the scopes granted, and whether this is the
 * bootstrap key (which administers every tenant), and the key's rate limits (null: none).
 */
public record Principal(String keyId, String tenant, Set<Scope> scopes, boolean superuser, Integer requestsPerSecond,
                        Integer eventsPerSecond) {
  static final String CONTEXT_KEY = "surge.principal";

  /** The caller of a request that passed {@link AuthHandler}. */
  public static Principal of(RoutingContext ctx) {
    Principal p = ctx.get(CONTEXT_KEY);
    if (p == null) {
      throw new IllegalStateException("route is not behind AuthHandler");
    }
    return p;
  }
}
