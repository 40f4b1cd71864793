package io.surge.http;

import io.surge.SurgeNode;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.validation.ValidatorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.surge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract served at {@code GET /openapi.json} describes what Surge really answers: real requests to a node
 * with every role, each checked against the contract with vertx-openapi, and each answer too (status, headers,
 * body). The contract covers every route: Surge refuses to start with a route it lacks.
 */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractIT {
  private static final int MAX_BODY = 8 * 1024;
  private static final Map<String, String> NONE = Map.of();

  private static Vertx vertx;
  private static SurgeNode node;
  private static WebClient admin;
  private static WebClient anonymous;
  private static ContractValidator contract;

  @BeforeAll
  static void start(Vertx testVertx) {
    vertx = testVertx;
    node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("openapi-it"), Map.of(
        "SURGE_ROLES", "ingest,worker,query", "SURGE_INGEST_MAX_BODY_BYTES", Integer.toString(MAX_BODY)));
    admin = TestSurge.client(vertx, node.httpPort());
    anonymous = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
    // the contract as served, not as the test's classpath has it
    JsonObject served = anonymous.get(ApiContract.PATH).send().await().bodyAsJsonObject();
    contract = ContractValidator.of(vertx, served);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  /** Completeness, one half: every operation of the contract was exercised by the tests before this one. */
  @Test
  @Order(Integer.MAX_VALUE)
  void everyOperationWasChecked() {
    assertEquals(contract.operationIds(), contract.checked(), "operations of the contract no test exercised");
  }

  @Test
  void theServedDocumentIsTheBundledOneAndRevalidates() {
    HttpResponse<Buffer> first = contract.exchange("openapi", anonymous.get(ApiContract.PATH), NONE, null);
    assertEquals(200, first.statusCode());
    assertEquals("application/json", first.getHeader("Content-Type"));
    assertEquals(bundled(), first.bodyAsJsonObject());

    HttpResponse<Buffer> again = contract.exchange("openapi",
        anonymous.get(ApiContract.PATH).putHeader("If-None-Match", first.getHeader("ETag")), NONE, null);
    assertEquals(304, again.statusCode());
  }

  @Test
  void healthRoutesNeedNoKey() {
    assertEquals(200, contract.exchange("live", anonymous.get("/health/live"), NONE, null).statusCode());
    eventually(() -> assertEquals(200, contract.exchange("ready", anonymous.get("/health/ready"), NONE, null).statusCode()));
  }

  @Test
  void everyContentModeOfPostEventsIsAccepted() {
    assertEquals(202, postEvents(admin, "application/cloudevents+json", event("/it/structured")).statusCode());
    assertEquals(202, postEvents(admin, "application/cloudevents-batch+json",
        new JsonArray().add(new JsonObject(event("/it/batch"))).add(new JsonObject(event("/it/batch"))).encode()).statusCode());
    assertEquals(202, postEvents(admin, "application/cloudevents-batch+json", "[]").statusCode());
    assertEquals(202, postEvents(admin, "application/json", new JsonArray().add(new JsonObject(event("/it/plain"))).encode()).statusCode());

    HttpRequest<Buffer> binary = admin.post("/v1/events").putHeader("ce-specversion", "1.0")
        .putHeader("ce-id", UUID.randomUUID().toString()).putHeader("ce-source", "/it/binary")
        .putHeader("ce-type", "com.example.reading").putHeader("ce-subject", "room-12")
        .putHeader("Content-Type", "text/plain");
    assertEquals(202, contract.exchange("postEvents", binary, NONE, Buffer.buffer("21.5")).statusCode());
  }

  @Test
  void everyRefusalOfPostEventsIsAProblemTheContractNames() {
    String invalid = new JsonObject().put("specversion", "1.0").put("source", "/it").put("type", "t").encode();
    assertThrows(ValidatorException.class, () -> contract.request("postEvents", NONE, NONE,
        Map.of("Content-Type", "application/cloudevents+json"), Buffer.buffer(invalid)), "the contract says id is required");
    HttpResponse<Buffer> noId = contract.response("postEvents", send(admin.post("/v1/events")
        .putHeader("Content-Type", "application/cloudevents+json"), invalid));
    assertEquals(400, noId.statusCode());
    assertEquals("urn:surge:problem:invalid-event", noId.bodyAsJsonObject().getString("type"));

    assertEquals(401, contract.response("postEvents", send(anonymous.post("/v1/events")
        .putHeader("Content-Type", "application/cloudevents+json"), event("/it"))).statusCode());
    assertEquals(401, postEvents(TestSurge.client(vertx, node.httpPort(), "sk_not_a_key"),
        "application/cloudevents+json", event("/it")).statusCode());
    assertEquals(403, postEvents(keyWith("read"), "application/cloudevents+json", event("/it")).statusCode());
    assertEquals(413, contract.response("postEvents", send(admin.post("/v1/events")
        .putHeader("Content-Type", "application/cloudevents+json"), "x".repeat(MAX_BODY + 1))).statusCode());
    assertEquals(415, contract.response("postEvents", send(admin.post("/v1/events")
        .putHeader("Content-Type", "text/plain"), "21.5")).statusCode());
  }

  @Test
  void aKeyOverItsRateIsTold() {
    WebClient limited = keyWithLimits("ingest", new JsonObject().put("requestsPerSecond", 1));
    int status = 0;
    for (int i = 0; i < 5 && status != 429; i++) {
      status = postEvents(limited, "application/cloudevents+json", event("/it/limited")).statusCode();
    }
    assertEquals(429, status);
  }

  @Test
  void queriesAnswerAsDocumented() {
    String subject = "subject-" + UUID.randomUUID();
    JsonObject event = new JsonObject(event("/it/query")).put("subject", subject).put("data", new JsonObject().put("t", 21.5));
    HttpRequest<Buffer> persisted = admin.post("/v1/events").putHeader("Prefer", "wait=persisted")
        .putHeader("Content-Type", "application/cloudevents+json");
    assertEquals(201, contract.exchange("postEvents", persisted, NONE, event.toBuffer()).statusCode());
    String id = event.getString("id");

    assertEquals(200, contract.exchange("getEvent", admin.get("/v1/events/" + id), Map.of("id", id), null).statusCode());
    assertEquals(200, contract.exchange("getEvent", admin.get("/v1/events/" + id).addQueryParam("source", "/it/query"),
        Map.of("id", id), null).statusCode());
    assertEquals(404, contract.exchange("getEvent", admin.get("/v1/events/none"), Map.of("id", "none"), null).statusCode());
    assertEquals(200, contract.exchange("getLatestOfSubject", admin.get("/v1/subjects/" + subject + "/latest"),
        Map.of("subject", subject), null).statusCode());
    assertEquals(404, contract.exchange("getLatestOfSubject", admin.get("/v1/subjects/nobody/latest"),
        Map.of("subject", "nobody"), null).statusCode());

    String shared = UUID.randomUUID().toString();
    JsonArray twoSources = new JsonArray().add(new JsonObject(event("/it/a")).put("id", shared))
        .add(new JsonObject(event("/it/b")).put("id", shared));
    assertEquals(201, contract.exchange("postEvents", admin.post("/v1/events").putHeader("Prefer", "wait=persisted")
        .putHeader("Content-Type", "application/cloudevents-batch+json"), NONE, twoSources.toBuffer()).statusCode());
    assertEquals(409, contract.exchange("getEvent", admin.get("/v1/events/" + shared), Map.of("id", shared), null).statusCode());

    HttpResponse<Buffer> page = contract.exchange("listEvents", admin.get("/v1/events").addQueryParam("subject", subject)
        .addQueryParam("from", "2020-01-01T00:00:00Z").addQueryParam("limit", "10"), NONE, null);
    assertEquals(List.of(id), page.bodyAsJsonObject().getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("id")).toList());
    HttpResponse<Buffer> firstOfMany = contract.exchange("listEvents", admin.get("/v1/events").addQueryParam("limit", "1"), NONE, null);
    assertTrue(firstOfMany.bodyAsJsonObject().getString("nextCursor") != null, "a next page");
    assertEquals(400, contract.response("listEvents", admin.get("/v1/events").addQueryParam("colour", "red").send().await())
        .statusCode());

    assertEquals(200, contract.exchange("getStats", admin.get("/v1/stats").addQueryParam("interval", "hour"), NONE, null).statusCode());
    assertEquals(200, contract.exchange("getStats", admin.get("/v1/stats").addQueryParam("type", "t"), NONE, null).statusCode());
    assertEquals(400, contract.response("getStats", admin.get("/v1/stats").addQueryParam("interval", "day").send().await())
        .statusCode());
    assertEquals(403, contract.response("getStats", keyWith("ingest").get("/v1/stats").send().await()).statusCode());
  }

  @Test
  void keysAreAdministeredAsDocumented() {
    JsonObject request = new JsonObject().put("tenant", "acme").put("scopes", new JsonArray().add("read"))
        .put("limits", new JsonObject().put("requestsPerSecond", 100));
    HttpResponse<Buffer> created = contract.exchange("createKey",
        admin.post("/v1/admin/keys").putHeader("Content-Type", "application/json"), NONE, request.toBuffer());
    assertEquals(201, created.statusCode());
    String id = created.bodyAsJsonObject().getString("id");

    assertEquals(200, contract.exchange("listKeys", admin.get("/v1/admin/keys").addQueryParam("tenant", "acme"), NONE, null)
        .statusCode());
    assertEquals(200, contract.exchange("listKeys", admin.get("/v1/admin/keys"), NONE, null).statusCode());
    assertEquals(400, contract.response("createKey", send(admin.post("/v1/admin/keys")
        .putHeader("Content-Type", "application/json"), "{\"tenant\":\"ACME!\",\"scopes\":[\"read\"]}")).statusCode());
    assertEquals(413, contract.response("createKey", send(admin.post("/v1/admin/keys")
        .putHeader("Content-Type", "application/json"), "x".repeat(17 * 1024))).statusCode());

    assertEquals(204, contract.exchange("revokeKey", admin.delete("/v1/admin/keys/" + id), Map.of("id", id), null).statusCode());
    assertEquals(404, contract.exchange("revokeKey", admin.delete("/v1/admin/keys/" + id), Map.of("id", id), null).statusCode());
    assertEquals(403, contract.exchange("revokeKey", admin.delete("/v1/admin/keys/bootstrap"), Map.of("id", "bootstrap"), null)
        .statusCode());
    assertEquals(401, contract.response("listKeys", anonymous.get("/v1/admin/keys").send().await()).statusCode());
  }

  /**
   * Completeness, the other half: a route the contract lacks fails start-up, so this node starting at all (every
   * role, every route) proves the contract names each of its routes.
   */
  @Test
  void aRouteTheContractLacksIsRefused() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> ctx.end());
    router.route("/v1/*").handler(ctx -> ctx.next()); // cross-cutting, no operation
    assertEquals(List.of(), ApiContract.load().undocumented(router));

    router.get("/v1/events/:id/history").handler(ctx -> ctx.end());
    router.delete("/v1/events").handler(ctx -> ctx.end());
    assertEquals(List.of("GET /v1/events/{id}/history", "DELETE /v1/events"), ApiContract.load().undocumented(router));
    assertThrows(IllegalStateException.class, () -> ApiContract.load().mount(router));
  }

  private static JsonObject bundled() {
    try (InputStream in = OpenApiContractIT.class.getClassLoader().getResourceAsStream(ApiContract.RESOURCE)) {
      return new JsonObject(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<Buffer> postEvents(WebClient client, String contentType, String body) {
    return contract.exchange("postEvents", client.post("/v1/events").putHeader("Content-Type", contentType), NONE,
        Buffer.buffer(body, StandardCharsets.UTF_8.name()));
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, String body) {
    return request.sendBuffer(Buffer.buffer(body)).await();
  }

  private static WebClient keyWith(String scope) {
    return keyWithLimits(scope, null);
  }

  private static WebClient keyWithLimits(String scope, JsonObject limits) {
    JsonObject request = new JsonObject().put("tenant", "default").put("scopes", new JsonArray().add(scope));
    if (limits != null) {
      request.put("limits", limits);
    }
    String key = admin.post("/v1/admin/keys").sendJsonObject(request).await().bodyAsJsonObject().getString("key");
    return TestSurge.client(vertx, node.httpPort(), key);
  }

  private static String event(String source) {
    return new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString()).put("source", source)
        .put("type", "com.example.reading").encode();
  }
}
