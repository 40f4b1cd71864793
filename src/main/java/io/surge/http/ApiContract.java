package io.surge.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /openapi.json}: the API contract, written by hand in {@code src/main/resources/openapi.json}, read
 * once at start. Mounted after every other route, it refuses a router that has a route the contract does not
 * describe: a route added without its documentation fails start-up, and so every test that starts Surge.
 */
public final class ApiContract {
  public static final String PATH = "/openapi.json";
  static final String RESOURCE = "openapi.json";

  private final Buffer document;
  private final JsonObject paths;
  private final String etag;

  private ApiContract(byte[] document) {
    this.document = Buffer.buffer(document);
    this.paths = new JsonObject(this.document).getJsonObject("paths");
    this.etag = '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(document)) + '"';
  }

  /** The contract bundled in the jar. */
  public static ApiContract load() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new ApiContract(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void mount(Router router) {
    List<String> undocumented = undocumented(router);
    if (!undocumented.isEmpty()) {
      throw new IllegalStateException("routes missing from " + RESOURCE + ": " + undocumented);
    }
    router.get(PATH).handler(this::answer);
  }

  /**
   * Every {@code METHOD /path} of {@code router}, in OpenAPI's template form, that the contract lacks. Routes
   * without a method or with a wildcard path (authentication, deadlines, failure handling) serve many operations
   * and are none themselves.
   */
  public List<String> undocumented(Router router) {
    List<String> missing = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || !route.isExactPath() || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      String template = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      JsonObject operations = paths.getJsonObject(template);
      for (HttpMethod method : route.methods()) {
        if (operations == null || !operations.containsKey(method.name().toLowerCase(Locale.ROOT))) {
          missing.add(method.name() + " " + template);
        }
      }
    }
    return missing;
  }

  /** Revalidated on each use (no-cache) but sent again only when it changed: it changes with a release. */
  private void answer(RoutingContext ctx) {
    ctx.response().putHeader("ETag", etag).putHeader("Cache-Control", "no-cache");
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
      ctx.response().setStatusCode(304).end();
    } else {
      ctx.response().putHeader("Content-Type", "application/json").end(document);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
