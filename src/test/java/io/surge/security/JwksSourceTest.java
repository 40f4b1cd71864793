package io.surge.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JwksSourceTest {
  @Test
  void keepsSigningKeysAndGivesTheDefaultAlgorithmToKeysWithoutOne() {
    JsonObject set = new JsonObject().put("keys", new JsonArray()
        .add(new JsonObject().put("kty", "RSA").put("kid", "a").put("use", "sig"))
        .add(new JsonObject().put("kty", "EC").put("kid", "b").put("alg", "ES256"))
        .add(new JsonObject().put("kty", "RSA").put("kid", "c").put("use", "enc"))
        .add(new JsonObject().put("kid", "no-type"))
        .add("not an object"));

    List<JsonObject> keys = JwksSource.signingKeys(set, "RS256");

    assertEquals(List.of("a", "b"), keys.stream().map(k -> k.getString("kid")).toList());
    assertEquals("RS256", keys.get(0).getString("alg"));
    assertEquals("ES256", keys.get(1).getString("alg"));
  }

  @Test
  void aSetWithoutSigningKeysIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> JwksSource.signingKeys(new JsonObject(), "RS256"));
    assertThrows(IllegalArgumentException.class,
        () -> JwksSource.signingKeys(new JsonObject().put("keys", "none"), "RS256"));
    assertThrows(IllegalArgumentException.class, () -> JwksSource.signingKeys(new JsonObject().put("keys",
        new JsonArray().add(new JsonObject().put("kty", "RSA").put("use", "enc"))), "RS256"));
  }

  @Test
  void theKeyIdComesFromTheTokenHeader() {
    assertEquals("k1", JwtVerifier.keyId(header("{\"alg\":\"RS256\",\"kid\":\"k1\"}") + ".e30.sig"));
    assertNull(JwtVerifier.keyId(header("{\"alg\":\"RS256\"}") + ".e30.sig"));
    assertNull(JwtVerifier.keyId(header("{\"kid\":7}") + ".e30.sig"));
    assertNull(JwtVerifier.keyId(header("not json") + ".e30.sig"));
    assertNull(JwtVerifier.keyId("%%%.e30.sig"));
  }

  private static String header(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
