package io.surge.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The signing keys an identity provider publishes as a JWK Set (RFC 7517) at a URL, fetched with Vert.x's
 * non-blocking client. Encryption keys are left out; a key without {@code alg} gets the configured algorithm.
 */
final class JwksSource {
  private static final int TIMEOUT_MS = 5_000;

  private final HttpClient client;
  private final String url;
  private final String defaultAlgorithm;

  JwksSource(Vertx vertx, String url, String defaultAlgorithm) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(TIMEOUT_MS));
    this.url = url;
    this.defaultAlgorithm = defaultAlgorithm;
  }

  String url() {
    return url;
  }

  Future<List<JsonObject>> fetch() {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setIdleTimeout(TIMEOUT_MS)
            .addHeader("Accept", "application/jwk-set+json, application/json"))
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200 ? response.body()
            : Future.failedFuture("the JWK Set at " + url + " answered " + response.statusCode()))
        .map(body -> signingKeys(body.toJsonObject(), defaultAlgorithm));
  }

  /** The signing keys of a JWK Set document; fails when it holds none. */
  static List<JsonObject> signingKeys(JsonObject set, String defaultAlgorithm) {
    Object keys = set.getValue("keys");
    if (!(keys instanceof JsonArray array)) {
      throw new IllegalArgumentException("a JWK Set needs a \"keys\" array");
    }
    List<JsonObject> signing = new ArrayList<>();
    for (Object key : array) {
      if (key instanceof JsonObject jwk && jwk.getValue("kty") instanceof String && !"enc".equals(jwk.getValue("use"))) {
        signing.add(jwk.containsKey("alg") ? jwk : jwk.copy().put("alg", defaultAlgorithm));
      }
    }
    if (signing.isEmpty()) {
      throw new IllegalArgumentException("the JWK Set holds no signing key");
    }
    return signing;
  }
}
