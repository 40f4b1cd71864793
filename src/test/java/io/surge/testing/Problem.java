package io.surge.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on RFC 9457 answers. */
public final class Problem {
  private Problem() {}

  /** Asserts an application/problem+json answer with the given status and type suffix; returns its body. */
  public static JsonObject assertProblem(HttpResponse<Buffer> response, int status, String typeSuffix) {
    assertEquals(status, response.statusCode(), () -> "body: " + response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(status, body.getInteger("status"));
    assertTrue(body.getString("type").endsWith(typeSuffix), () -> "type " + body.getString("type"));
    assertNotNull(body.getString("title"));
    assertNotNull(body.getString("detail"));
    return body;
  }
}
