package io.surge.security;

import io.surge.SurgeNode;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.surge.testing.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * JWT keys from an identity provider's JWK Set: a test HTTP server plays the provider and can rotate its keys,
 * fail, or count how often Surge fetches. Tokens also carry per-subject rate limits here.
 */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class JwksIT {
  private static final int SUBJECT_REQUESTS_PER_SECOND = 5;
  private static Vertx vertx;
  private static HttpServer provider;
  private static volatile JsonObject published;
  private static volatile int status = 200;
  private static final AtomicInteger fetches = new AtomicInteger();
  private static KeyPair first;
  private static KeyPair second;
  private SurgeNode node;

  @BeforeAll
  static void startProvider(Vertx v) throws Exception {
    vertx = v;
    first = rsa();
    second = rsa();
    provider = v.createHttpServer().requestHandler(request -> {
      fetches.incrementAndGet();
      request.response().setStatusCode(status).putHeader("Content-Type", "application/jwk-set+json")
          .end(status == 200 ? published.encode() : "{}");
    }).listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void stopProvider() {
    provider.close().await();
  }

  @AfterEach
  void stopNode() {
    if (node != null) {
      node.stop().await();
    }
    status = 200;
  }

  @Test
  void aRotatedKeyIsFetchedOnFirstUseAndMadeUpKeyIdsDoNotHammerTheProvider() {
    published = jwks(jwk("k1", first));
    startNode();
    String subject = "svc-" + UUID.randomUUID();
    assertEquals(200, get(token(first, "k1", subject)).statusCode());

    // the provider rotates: k2 joins. The first token signed with it makes Surge fetch the set again at once
    published = jwks(jwk("k1", first), jwk("k2", second));
    int before = fetches.get();
    assertEquals(200, get(token(second, "k2", subject)).statusCode());
    assertEquals(before + 1, fetches.get());

    // a made-up key id right after: refused, and no fetch (at most one per ten seconds for unknown ids)
    assertProblem(get(token(second, "k3", subject)), 401, "unauthorized");
    assertEquals(before + 1, fetches.get());
    // a known key id on a token signed by another key: refused
    assertProblem(get(token(second, "k1", subject)), 401, "unauthorized");
  }

  @Test
  void withTheProviderDownAtStartTokensAreRefusedUntilItAnswers() {
    published = jwks(jwk("k1", first));
    status = 503;
    startNode();
    String subject = "svc-" + UUID.randomUUID();
    // API keys work; no token does, unsigned ones included (a verifier without keys must not accept alg none)
    assertEquals(200, TestSurge.client(vertx, node.httpPort()).get("/v1/events").send().await().statusCode());
    assertProblem(get("eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJqd3QtYSIsInNjb3BlIjoicmVhZCJ9."), 401, "unauthorized");
    status = 200;
    int before = fetches.get();
    assertEquals(200, get(token(first, "k1", subject)).statusCode()); // k1 unknown so far: fetched now
    assertEquals(before + 1, fetches.get());
  }

  @Test
  void eachTokenSubjectHasItsOwnRateLimit() {
    published = jwks(jwk("k1", first));
    startNode();
    String busy = token(first, "k1", "busy-" + UUID.randomUUID());
    int allowed = 0;
    HttpResponse<Buffer> limited = null;
    for (int i = 0; i < SUBJECT_REQUESTS_PER_SECOND + 3; i++) {
      HttpResponse<Buffer> r = get(busy);
      allowed += r.statusCode() == 200 ? 1 : 0;
      limited = r.statusCode() == 429 ? r : limited;
    }
    assertProblem(limited, 429, "rate-limited");
    assertEquals(Integer.toString(SUBJECT_REQUESTS_PER_SECOND), limited.getHeader("RateLimit-Limit"));
    // another subject of the same tenant is not held back by the busy one
    assertEquals(200, get(token(first, "k1", "quiet-" + UUID.randomUUID())).statusCode());
  }

  private void startNode() {
    node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("jwks-it"), Map.of(
        "SURGE_ROLES", "query",
        "SURGE_SECURITY_JWT_JWKS_URL", "http://127.0.0.1:" + provider.actualPort() + "/.well-known/jwks.json",
        "SURGE_SECURITY_JWT_REQUESTS_PER_SECOND", Integer.toString(SUBJECT_REQUESTS_PER_SECOND),
        "SURGE_SECURITY_JWT_LEEWAY_SECONDS", "0"));
  }

  private HttpResponse<Buffer> get(String token) {
    return TestSurge.client(vertx, node.httpPort(), token).get("/v1/events").send().await();
  }

  private static String token(KeyPair pair, String kid, String subject) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(JwtIT.pem("PRIVATE KEY", pair.getPrivate().getEncoded()))));
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", subject).put("tenant", "jwt-a").put("scope", "read")
        .put("iat", now).put("exp", now + 300);
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setHeader(new JsonObject().put("kid", kid)));
  }

  private static JsonObject jwks(JsonObject... keys) {
    return new JsonObject().put("keys", new JsonArray(Arrays.asList((Object[]) keys)));
  }

  /** The public half of an RSA key as a JWK (RFC 7518 6.3.1), without {@code alg}: Surge supplies its default. */
  private static JsonObject jwk(String kid, KeyPair pair) {
    RSAPublicKey key = (RSAPublicKey) pair.getPublic();
    return new JsonObject().put("kty", "RSA").put("use", "sig").put("kid", kid)
        .put("n", unsigned(key.getModulus())).put("e", unsigned(key.getPublicExponent()));
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }
}
