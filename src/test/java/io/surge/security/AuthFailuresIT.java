package io.surge.security;

import io.surge.SurgeNode;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static io.surge.testing.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failed authentications per client address, over HTTP: 401 up to the limit, then 429 with Retry-After. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class AuthFailuresIT {
  private SurgeNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  @Test
  void anAddressThatFailsTooOftenIsAnswered429WhileACachedKeyHolderGoesOn(Vertx vertx) {
    node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("auth-failures-it"), Map.of(
        "SURGE_SECURITY_AUTH_FAILURES_PER_MINUTE", "5",
        "SURGE_SECURITY_KEY_CACHE_SECONDS", "60"));
    WebClient admin = TestSurge.client(vertx, node.httpPort());
    String created = admin.post("/v1/admin/keys").sendJsonObject(new JsonObject().put("tenant", "default")
        .put("scopes", new JsonArray().add("admin"))).await().bodyAsJsonObject().getString("key");
    assertEquals(200, admin.get("/v1/admin/keys").send().await().statusCode(), "the bootstrap key, now cached");

    // when this address sends five keys that do not exist, each is a 401 ...
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> answer = get(vertx, KeySecrets.newToken());
      assertProblem(answer, 401, "unauthorized");
    }
    // ... and from the sixth on it is refused before any lookup: 429, forged checksums and the new key alike
    String forged = KeySecrets.newToken().substring(0, KeySecrets.KEY_LENGTH - 1) + "!";
    for (String token : new String[] {KeySecrets.newToken(), forged, created}) {
      HttpResponse<Buffer> answer = get(vertx, token);
      assertProblem(answer, 429, "rate-limited");
      int retryAfter = Integer.parseInt(answer.getHeader("Retry-After"));
      assertTrue(retryAfter >= 1 && retryAfter <= 12, "5 per minute: one more fits within 12 s, not " + retryAfter);
    }
    // a key this node has checked already is answered from its cache, from the same address
    assertEquals(200, admin.get("/v1/admin/keys").send().await().statusCode());
  }

  private HttpResponse<Buffer> get(Vertx vertx, String token) {
    return TestSurge.client(vertx, node.httpPort(), token).get("/v1/admin/keys").send().await();
  }
}
