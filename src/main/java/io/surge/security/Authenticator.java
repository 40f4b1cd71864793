package io.surge.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.surge.config.SurgeConfig.SecurityConfig;
import io.surge.http.Problems;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Checks bearer tokens against the key store. What the store says about a prefix is cached for
 * {@code keyCacheSeconds}, so a revoked key stops working on every instance within that time without a database
 * round trip per request; one instance serves all its event loops from one cache.
 *
 * <p>Unauthenticated load is kept off the database: an {@code sk_} token with a wrong checksum is refused
 * without a lookup; a prefix the store does not know is remembered like a known one; the cache is bounded by
 * size with W-TinyLFU admission, so a scan of made-up prefixes cannot push live keys out; an address over its
 * failed-authentication limit is refused (429) before a lookup; and one lookup per prefix is in flight.
 *
 * <p>When a lookup fails or takes over {@value #LOOKUP_TIMEOUT_MS} ms (Postgres is down or cut off), the last
 * answer of the store is used for up to {@code keyStaleSeconds} past its expiry, so keys that were valid keep
 * working and revocations made before the outage keep holding; the store is asked again once per
 * {@code keyCacheSeconds} (at least a second).
 */
public final class Authenticator {
  private static final int MAX_CACHED_PREFIXES = 10_000;
  /** A lookup slower than this counts as failed: a Postgres that hangs (a partition) must not hold requests
   *  up to the connect timeout when a previous answer could stand in. */
  static final long LOOKUP_TIMEOUT_MS = 2_000;
  /** After a failed lookup the store is asked again no sooner than this, even with a cache time of 0. */
  private static final long RETRY_NANOS = 1_000_000_000L;
  private static final Future<Principal> NOBODY = Future.succeededFuture();

  private final KeyStore store;
  private final long ttlNanos;
  private final long staleNanos;
  private final AuthFailureLimit failures;
  private final Cache<String, Cached> cache;
  private final Map<String, Future<Cached>> lookups = new ConcurrentHashMap<>();

  public Authenticator(KeyStore store, SecurityConfig config) {
    this(store, config.keyCacheSeconds(), config.keyStaleSeconds(), config.authFailuresPerMinute());
  }

  /** {@code staleSeconds}, {@code failuresPerMinute}: 0 turns stale answers or the failure limit off. */
  Authenticator(KeyStore store, int cacheSeconds, int staleSeconds, int failuresPerMinute) {
    this.store = store;
    this.ttlNanos = cacheSeconds * 1_000_000_000L;
    this.staleNanos = staleSeconds * 1_000_000_000L;
    this.failures = new AuthFailureLimit(failuresPerMinute);
    this.cache = Caffeine.newBuilder().maximumSize(MAX_CACHED_PREFIXES)
        .expireAfterWrite(Duration.ofSeconds((long) cacheSeconds + staleSeconds))
        .build();
  }

  /**
   * What the store said about a prefix (no candidates: an unknown prefix), and the last token that matched it:
   * the same token again is recognised by a constant-time comparison of its bytes instead of a SHA-256 (the
   * token is in memory for each request anyway; here it stays no longer than the cache entry).
   */
  private static final class Cached {
    final long storedAt;
    final List<KeyStore.Candidate> candidates;
    /** Until when the entry answers without asking the store; moved on when a failed lookup falls back on it. */
    volatile long freshUntil;
    volatile Verified verified;

    Cached(long storedAt, long ttlNanos, List<KeyStore.Candidate> candidates) {
      this.storedAt = storedAt;
      this.freshUntil = storedAt + ttlNanos;
      this.candidates = candidates;
    }

    boolean fresh(long now) {
      return freshUntil - now > 0;
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

    /** Whether the token is one of the stored keys, live or revoked: only a holder of the secret passes. */
    boolean knows(String token) {
      Verified last = verified;
      if (last != null && MessageDigest.isEqual(last.token(), token.getBytes(StandardCharsets.UTF_8))) {
        return true;
      }
      for (KeyStore.Candidate c : candidates) {
        if (KeySecrets.matches(token, c.hash())) {
          return true;
        }
      }
      return false;
    }
  }

  private record Verified(byte[] token, Principal principal) {}

  /**
   * The principal of a valid, live token; null for anything else; failed with a 429 problem when
   * {@code address} (the client's) has failed too often, and with the store's error when the store cannot
   * answer and nothing it said before may stand in.
   */
  public Future<Principal> authenticate(String token, String address) {
    String prefix = KeySecrets.prefix(token);
    if (prefix == null) {
      return refuse(address);
    }
    Cached cached = cache.getIfPresent(prefix);
    if (cached != null && cached.fresh(System.nanoTime())) {
      Principal principal = cached.match(token);
      return principal != null ? Future.succeededFuture(principal) : refuse(address);
    }
    // checked only here: a cached key needs no checksum, a lookup must not be paid for a made-up token
    if (!KeySecrets.checksumHolds(token)) {
      return refuse(address);
    }
    // a holder of a stored key may refresh it from an address that others made fail (a shared NAT, say)
    if (cached == null || !cached.knows(token)) {
      int wait = failures.retryAfterSeconds(address);
      if (wait > 0) {
        return Future.failedFuture(tooManyFailures(wait));
      }
    }
    return onCallersContext(lookUp(prefix, cached)).compose(answer -> {
      Principal principal = answer.match(token);
      return principal != null ? Future.succeededFuture(principal) : refuse(address);
    });
  }

  /** Counts a failed authentication: null (401) within the limit, a 429 problem beyond it. */
  private Future<Principal> refuse(String address) {
    int wait = failures.record(address);
    return wait == 0 ? NOBODY : Future.failedFuture(tooManyFailures(wait));
  }

  private static RuntimeException tooManyFailures(int retryAfterSeconds) {
    return Problems.tooManyRequests("too many failed authentications from this address", retryAfterSeconds);
  }

  /** The store's answer for {@code prefix}, from the lookup in flight if there is one. */
  private Future<Cached> lookUp(String prefix, Cached previous) {
    Future<Cached> running = lookups.get(prefix);
    if (running != null) {
      return running;
    }
    Promise<Cached> promise = Promise.promise();
    running = lookups.putIfAbsent(prefix, promise.future());
    if (running != null) {
      return running;
    }
    store.candidates(prefix)
        .timeout(LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(candidates -> {
          Cached fresh = new Cached(System.nanoTime(), ttlNanos, candidates);
          cache.put(prefix, fresh);
          return fresh;
        })
        .recover(e -> stale(previous, e))
        .onComplete(answer -> {
          lookups.remove(prefix); // first: the answer is in the cache, a later request must not get this lookup
          promise.handle(answer);
        });
    return promise.future();
  }

  /** The previous answer while it is within the stale bound, asked about again only after another TTL. */
  private Future<Cached> stale(Cached previous, Throwable failure) {
    long now = System.nanoTime();
    long staleUntil = previous == null ? now : previous.storedAt + ttlNanos + staleNanos;
    if (staleUntil - now <= 0) {
      return Future.failedFuture(failure);
    }
    long retryAt = now + Math.max(ttlNanos, RETRY_NANOS);
    previous.freshUntil = staleUntil - retryAt > 0 ? retryAt : staleUntil;
    return Future.succeededFuture(previous);
  }

  /**
   * A lookup started on one event loop answers requests of several: each gets the answer on its own context,
   * where its request is handled.
   */
  private static <T> Future<T> onCallersContext(Future<T> shared) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return shared;
    }
    Promise<T> promise = Promise.promise();
    shared.onComplete(answer -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(answer);
      } else {
        caller.runOnContext(v -> promise.handle(answer));
      }
    });
    return promise.future();
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
