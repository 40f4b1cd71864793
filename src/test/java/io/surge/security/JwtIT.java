package io.surge.security;

import io.surge.SurgeNode;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static io.surge.testing.Eventually.eventually;
import static io.surge.testing.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** JWT bearer tokens: signature, exp/nbf, issuer, tenant and scopes from claims, tenant isolation. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class JwtIT {
  private static SurgeNode node;
  private static JWTAuth issuer;
  private static JWTAuth stranger;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx v) throws Exception {
    vertx = v;
    KeyPair pair = rsa();
    KeyPair other = rsa();
    Path publicKey = Files.createTempFile("surge-jwt", ".pem");
    Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    issuer = signer(v, pair);
    stranger = signer(v, other);
    node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("jwt-it"), Map.of(
        "SURGE_ROLES", "ingest,worker,query",
        "SURGE_SECURITY_JWT_PUBLIC_KEY_PATH", publicKey.toString(),
        "SURGE_SECURITY_JWT_ISSUER", "https://idp.example",
        "SURGE_SECURITY_JWT_LEEWAY_SECONDS", "0"));
  }

  @AfterAll
  static void stop() {
    node.stop().await();
  }

  @Test
  void aValidTokenGivesItsTenantAndScopes() {
    String token = token(issuer, claims("jwt-a", "ingest read"));
    String id = UUID.randomUUID().toString();

    assertEquals(202, post(token, id).statusCode());
    HttpResponse<Buffer> found = awaitOk(token, id);
    assertEquals(id, found.bodyAsJsonObject().getString("id"));
    // the event belongs to tenant jwt-a: a token of another tenant does not find it
    assertProblem(get(token(issuer, claims("jwt-b", "read")), "/v1/events/" + id + "?source=/it/jwt"), 404, "not-found");
    assertProblem(get(TestSurge.BOOTSTRAP_KEY, "/v1/events/" + id + "?source=/it/jwt"), 404, "not-found");
  }

  @Test
  void scopesMayBeAnArrayAndAMissingScopeIs403() {
    String readOnly = token(issuer, claims("jwt-a", null).put("scope", new JsonArray().add("read")));
    assertEquals(200, get(readOnly, "/v1/events").statusCode());
    assertProblem(post(readOnly, UUID.randomUUID().toString()), 403, "forbidden");
    assertProblem(get(readOnly, "/v1/admin/keys"), 403, "forbidden");
  }

  @Test
  void expiredNotYetValidForeignOrUnderClaimedTokensAre401() {
    long now = System.currentTimeMillis() / 1000;
    String[] refused = {
        token(issuer, claims("jwt-a", "read").put("exp", now - 60)),
        token(issuer, claims("jwt-a", "read").put("nbf", now + 600)),
        token(stranger, claims("jwt-a", "read")),
        token(issuer, claims("jwt-a", "read").put("iss", "https://elsewhere.example")),
        token(issuer, claims(null, "read")),
        token(issuer, claims("Bad Tenant", "read")),
        token(issuer, claims("jwt-a", "superpowers")),
        "eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJqd3QtYSIsInNjb3BlIjoicmVhZCJ9.",
    };
    for (String token : refused) {
      assertProblem(get(token, "/v1/events"), 401, "unauthorized");
    }
  }

  private static JsonObject claims(String tenant, String scope) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", "svc-1").put("iss", "https://idp.example").put("iat", now)
        .put("exp", now + 300);
    if (tenant != null) {
      claims.put("tenant", tenant);
    }
    if (scope != null) {
      claims.put("scope", scope);
    }
    return claims;
  }

  private static String token(JWTAuth signer, JsonObject claims) {
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("RS256"));
  }

  private static HttpResponse<Buffer> post(String token, String id) {
    return TestSurge.client(vertx, node.httpPort(), token).post("/v1/events")
        .putHeader("Content-Type", "application/cloudevents+json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("specversion", "1.0").put("id", id).put("source", "/it/jwt")
            .put("type", "t").encode())).await();
  }

  private static HttpResponse<Buffer> get(String token, String uri) {
    return TestSurge.client(vertx, node.httpPort(), token).get(uri).send().await();
  }

  private static HttpResponse<Buffer> awaitOk(String token, String id) {
    return eventually(Duration.ofSeconds(20), () -> {
      HttpResponse<Buffer> found = get(token, "/v1/events/" + id + "?source=/it/jwt");
      assertEquals(200, found.statusCode(), found::bodyAsString);
      return found;
    });
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static JWTAuth signer(Vertx vertx, KeyPair pair) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", pair.getPrivate().getEncoded())))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem("PUBLIC KEY", pair.getPublic().getEncoded()))));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
