package io.surge.security;

import io.surge.db.Migrations;
import io.surge.db.Postgres;
import io.surge.http.ProblemException;
import io.surge.testing.PostgresEngine;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unauthenticated load against {@link Authenticator} and real Postgres, counting the key lookups it costs: tens
 * of thousands of random well-formed keys (valid checksums, so the checksum alone does not refuse them) while a
 * valid key keeps being answered from the cache, without a lookup, throughout.
 */
@ExtendWith(VertxExtension.class)
class KeyLookupLoadIT {
  private static final int CACHE_SECONDS = 300; // no entry expires during a test: every lookup is load's doing
  private static final String ATTACKER = "127.0.0.1";
  private static final String CUSTOMER = "10.1.2.3";

  private static Pool pool;
  private static KeyStore store;

  @BeforeAll
  static void start(Vertx vertx) {
    String url = PostgresEngine.freshDatabaseUrl();
    Postgres.ensureDatabase(vertx, url).await();
    pool = Postgres.pool(vertx, url, 4);
    Migrations.apply(pool).await();
    store = new KeyStore(pool);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
  }

  @Test
  void fiftyThousandRandomKeysFromOneAddressCostNoMoreLookupsThanItsFailureLimit() {
    int perMinute = 60;
    Authenticator auth = new Authenticator(store, CACHE_SECONDS, 600, perMinute);
    String valid = createKey();
    assertNotNull(outcome(auth.authenticate(valid, CUSTOMER)).result(), "the valid key, looked up once");
    long before = store.lookups();
    long started = System.nanoTime();

    int unauthorized = 0;
    int tooMany = 0;
    for (int i = 0; i < 50_000; i++) {
      AsyncResult<Principal> answer = outcome(auth.authenticate(KeySecrets.newToken(), ATTACKER));
      if (answer.succeeded()) {
        assertNull(answer.result(), "a random key authenticated");
        unauthorized++;
      } else {
        assertEquals(429, assertInstanceOf(ProblemException.class, answer.cause()).status());
        tooMany++;
      }
      if (i % 100 == 0) {
        assertAnsweredFromTheCache(auth, valid, ATTACKER); // the attacker's address does not lock a key holder out
      }
    }

    long lookups = store.lookups() - before;
    double seconds = (System.nanoTime() - started) / 1e9;
    // a minute's worth at once, then the bucket's refill over the test's run
    long bound = perMinute + (long) Math.ceil(seconds * perMinute / 60);
    System.out.printf("50000 random keys in %.1f s: %d lookups (bound %d), %d answered 401, %d answered 429%n",
        seconds, lookups, bound, unauthorized, tooMany);
    assertTrue(lookups >= perMinute, "the first " + perMinute + " failures were looked up: " + lookups);
    assertTrue(lookups <= bound, "lookups bounded by the failure limit: " + lookups + " > " + bound);
    assertEquals(lookups, unauthorized, "each lookup answered 401; the rest were refused without one");
    assertEquals(50_000 - unauthorized, tooMany);
    assertAnsweredFromTheCache(auth, valid, CUSTOMER);
  }

  @Test
  void withoutAFailureLimitRepeatedKeysAreLookedUpOnceAndForgedChecksumsNever() {
    Authenticator auth = new Authenticator(store, CACHE_SECONDS, 600, 0);
    String valid = createKey();
    assertNotNull(outcome(auth.authenticate(valid, CUSTOMER)).result());
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      tokens.add(KeySecrets.newToken());
    }
    long before = store.lookups();

    for (int round = 0; round < 100; round++) { // 50,000 authentications of 500 well-formed keys
      for (String token : tokens) {
        assertNull(outcome(auth.authenticate(token, ATTACKER)).result());
      }
      assertAnsweredFromTheCache(auth, valid, CUSTOMER);
    }
    assertEquals(500, store.lookups() - before, "one lookup per unknown prefix: the store's 'unknown' is cached");

    for (int i = 0; i < 10_000; i++) {
      String token = KeySecrets.newToken();
      String forged = token.substring(0, 20) + (token.charAt(20) == 'A' ? 'B' : 'A') + token.substring(21);
      assertNull(outcome(auth.authenticate(forged, ATTACKER)).result());
    }
    assertEquals(500, store.lookups() - before, "a token with a wrong checksum costs no lookup");
    assertAnsweredFromTheCache(auth, valid, CUSTOMER);
  }

  @Test
  void aScanOfMorePrefixesThanTheCacheHoldsDoesNotEvictALiveKey() {
    Authenticator auth = new Authenticator(store, CACHE_SECONDS, 600, 0);
    String valid = createKey();
    assertNotNull(outcome(auth.authenticate(valid, CUSTOMER)).result());
    long before = store.lookups();

    int scanned = 12_000; // past the 10,000 entries at which the cache used to be cleared, valid keys included
    for (int batch = 0; batch < scanned / 200; batch++) {
      List<Future<Principal>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        answers.add(auth.authenticate(KeySecrets.newToken(), ATTACKER));
        if (i % 10 == 0) {
          assertAnsweredFromTheCache(auth, valid, CUSTOMER);
        }
      }
      Future.all(answers).await();
      answers.forEach(a -> assertNull(a.result()));
    }

    // each new prefix costs a lookup when the failure limit is off: that limit is what bounds a scan
    assertEquals(scanned, store.lookups() - before);
    assertAnsweredFromTheCache(auth, valid, CUSTOMER);
  }

  @Test
  void concurrentRequestsForOnePrefixShareOneLookup(Vertx vertx) {
    Authenticator auth = new Authenticator(store, CACHE_SECONDS, 600, 0);
    String unknown = KeySecrets.newToken();
    String valid = createKey();
    long before = store.lookups();

    // fired in one task on one context: the first lookup cannot answer before all 100 are waiting for it
    Context context = vertx.getOrCreateContext();
    Promise<List<Future<Principal>>> fired = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Principal>> answers = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        answers.add(auth.authenticate(unknown, ATTACKER));
        answers.add(auth.authenticate(valid, CUSTOMER));
      }
      fired.complete(answers);
    });
    List<Future<Principal>> answers = fired.future().await();
    Future.all(answers).await();

    assertEquals(2, store.lookups() - before, "one lookup per prefix");
    for (int i = 0; i < answers.size(); i += 2) {
      assertNull(answers.get(i).result());
      assertEquals("default", answers.get(i + 1).result().tenant());
    }
  }

  private static String createKey() {
    return store.create("default", EnumSet.of(Scope.INGEST), null, null).await().token();
  }

  /** A cached key is answered at once: the future is complete when returned, with no lookup behind it. */
  private static void assertAnsweredFromTheCache(Authenticator auth, String valid, String address) {
    long before = store.lookups();
    Future<Principal> answer = auth.authenticate(valid, address);
    assertTrue(answer.succeeded(), "the valid key was not answered from the cache");
    assertEquals("default", answer.result().tenant());
    assertEquals(before, store.lookups());
  }

  private static <T> AsyncResult<T> outcome(Future<T> answer) {
    return answer.isComplete() ? answer : answer.<AsyncResult<T>>transform(Future::succeededFuture).await();
  }
}
