package io.surge.security;

import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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

  /**
   * What the store said about a prefix, and the last token that matched it: the same token again is recognised
   * by a constant-time comparison of its bytes instead of a SHA-256 (the token is in memory for each request
   * anyway; here it stays no longer than the cache entry).
   */
  private static final class Cached {
    final long expiresAt;
    final List<KeyStore.Candidate> candidates;
    volatile Verified verified;

    Cached(long expiresAt, List<KeyStore.Candidate> candidates) {
      this.expiresAt = expiresAt;
      this.candidates = candidates;
    }

    Principal match(String token) {
      byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
      Verified last = verified;
      if (last != null && MessageDigest.isEqual(last.token(), bytes)) {
        return last.principal();
      }
      Principal principal = Authenticator.match(token, candidates);
      if (principal != null) {
        verified = new Verified(bytes, principal);
      }
      return principal;
    }
  }

  private record Verified(byte[] token, Principal principal) {}

  /** The principal of a valid, live token; null for anything else. */
  public Future<Principal> authenticate(String token) {
    String prefix = KeySecrets.prefix(token);
    if (prefix == null) {
      return Future.succeededFuture();
    }
    Cached cached = cache.get(prefix);
    if (cached != null && cached.expiresAt - System.nanoTime() > 0) {
      return Future.succeededFuture(cached.match(token));
    }
    return store.candidates(prefix).map(candidates -> {
      if (cache.size() >= MAX_CACHED_PREFIXES) {
        cache.clear(); // random prefixes must not grow memory without bound
      }
      Cached fresh = new Cached(System.nanoTime() + ttlNanos, candidates);
      cache.put(prefix, fresh);
      return fresh.match(token);
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
