package io.surge.security;

import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks bearer tokens against the key store. Lookups are cached per prefix for a few seconds, so a revoked key
 * stops working on every instance within that time without a database round trip per request.
 */
public final class Authenticator {
  private static final int MAX_CACHED_PREFIXES = 10_000;

  private final KeyStore store;
  private final long ttlNanos;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public Authenticator(KeyStore store, int cacheSeconds) {
    this.store = store;
    this.ttlNanos = cacheSeconds * 1_000_000_000L;
  }

  private record Cached(long expiresAt, List<KeyStore.Candidate> candidates) {}

  /** The principal of a valid, live token; null for anything else. */
  public Future<Principal> authenticate(String token) {
    String prefix = KeySecrets.prefix(token);
    if (prefix == null) {
      return Future.succeededFuture();
    }
    Cached cached = cache.get(prefix);
    if (cached != null && cached.expiresAt() - System.nanoTime() > 0) {
      return Future.succeededFuture(match(token, cached.candidates()));
    }
    return store.candidates(prefix).map(candidates -> {
      if (cache.size() >= MAX_CACHED_PREFIXES) {
        cache.clear(); // random prefixes must not grow memory without bound
      }
      cache.put(prefix, new Cached(System.nanoTime() + ttlNanos, candidates));
      return match(token, candidates);
    });
  }

  private static Principal match(String token, List<KeyStore.Candidate> candidates) {
    for (KeyStore.Candidate c : candidates) {
      if (KeySecrets.matches(token, c.hash())) {
        return c.revoked() ? null : new Principal(c.id(), c.tenant(), c.scopes(), c.superuser(),
            c.requestsPerSecond(), c.eventsPerSecond());
      }
    }
    return null;
  }
}
