package io.surge.security;

import io.surge.SurgeNode;
import io.surge.config.SurgeConfig;
import io.surge.pipeline.DeadLetters;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.surge.testing.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static io.surge.testing.Eventually.eventually;
import static io.surge.testing.Problem.assertProblem;
import static io.surge.testing.TopicReader.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API keys, scopes, the admin API and tenant isolation, against one node running every role. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class SecurityIT {
  private static final Duration WITHIN = Duration.ofSeconds(20);

  private static SurgeConfig config;
  private static SurgeNode node;
  private static Vertx clientVertx;
  private static WebClient admin;
  private static String acmeTopic;

  @BeforeAll
  static void start(Vertx vertx) {
    clientVertx = vertx;
    String topic = TestSurge.uniqueTopic("security-it");
    acmeTopic = topic + ".acme";
    KafkaEngine.createTopics(3, acmeTopic);
    config = TestSurge.config(KafkaEngine.bootstrap(), topic, Map.of(
        "SURGE_ROLES", "ingest,worker,query",
        "SURGE_PIPELINE_INGRESS_TOPICS", acmeTopic + "@acme",
        "SURGE_SECURITY_KEY_CACHE_SECONDS", "1"));
    node = SurgeNode.start(config).await();
    admin = TestSurge.client(vertx, node.httpPort());
  }

  @AfterAll
  static void stop() {
    node.stop().await();
  }

  @Test
  void missingMalformedOrUnknownCredentialsAre401WithWwwAuthenticate() {
    WebClient anonymous = WebClient.create(clientVertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
    // the real key first, so the cache knows it: a token differing only in its last character must still fail
    assertEquals(200, TestSurge.client(clientVertx, node.httpPort()).get("/v1/events").send().await().statusCode());
    String key = TestSurge.BOOTSTRAP_KEY;
    String lastCharChanged = key.substring(0, key.length() - 1) + (key.endsWith("p") ? "q" : "p");
    List<HttpResponse<Buffer>> answers = List.of(
        anonymous.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
            .sendBuffer(Buffer.buffer(event("x", "/s", "t").encode())).await(),
        anonymous.get("/v1/events").send().await(),
        anonymous.get("/v1/admin/keys").send().await(),
        anonymous.get("/v1/events").putHeader("Authorization", "Basic dXNlcjpwYXNz").send().await(),
        anonymous.get("/v1/events").putHeader("Authorization", "Bearer short").send().await(),
        anonymous.get("/v1/events").putHeader("Authorization", "Bearer " + KeySecrets.newToken()).send().await(),
        anonymous.get("/v1/events").putHeader("Authorization", "Bearer " + TestSurge.BOOTSTRAP_KEY + "x").send().await(),
        anonymous.get("/v1/events").putHeader("Authorization", "Bearer " + lastCharChanged).send().await());
    for (HttpResponse<Buffer> answer : answers) {
      assertProblem(answer, 401, "unauthorized");
      assertEquals("Bearer realm=\"surge\"", answer.getHeader("WWW-Authenticate"));
    }
    // health stays open for load balancers and probes
    assertEquals(200, anonymous.get("/health/live").send().await().statusCode());
  }

  @Test
  void aKeyWithoutTheScopeIs403() {
    WebClient reader = client(createKey("default", "read"));
    WebClient ingester = client(createKey("default", "ingest"));

    assertProblem(post(reader, event(uniqueId(), "/it/scope", "t")), 403, "forbidden");
    assertProblem(ingester.get("/v1/events").send().await(), 403, "forbidden");
    assertProblem(ingester.get("/v1/admin/keys").send().await(), 403, "forbidden");
    assertProblem(reader.post("/v1/admin/keys").sendJsonObject(keyRequest("default", "read")).await(), 403, "forbidden");
    assertEquals(202, post(ingester, event(uniqueId(), "/it/scope", "t")).statusCode());
    assertEquals(200, reader.get("/v1/events").send().await().statusCode());
  }

  @Test
  void createdKeysAreShownOnceListedWithoutSecretsAndRevocable() {
    HttpResponse<Buffer> created = admin.post("/v1/admin/keys").sendJsonObject(keyRequest("listing", "read")
        .put("limits", new JsonObject().put("requestsPerSecond", 50))).await();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("no-store", created.getHeader("Cache-Control"));
    JsonObject key = created.bodyAsJsonObject();
    assertTrue(key.getString("key").startsWith("sk_"));
    assertEquals(new JsonObject().put("requestsPerSecond", 50), key.getJsonObject("limits"));

    JsonObject listed = admin.get("/v1/admin/keys?tenant=listing").send().await().bodyAsJsonObject();
    JsonObject only = listed.getJsonArray("keys").getJsonObject(0);
    assertEquals(1, listed.getJsonArray("keys").size());
    assertEquals(key.getString("id"), only.getString("id"));
    assertEquals(new JsonArray().add("read"), only.getJsonArray("scopes"));
    assertFalse(listed.encode().contains(key.getString("key")), "a secret was listed");
    assertNull(only.getValue("key"));

    assertEquals(204, admin.delete("/v1/admin/keys/" + key.getString("id")).send().await().statusCode());
    assertProblem(admin.delete("/v1/admin/keys/" + key.getString("id")).send().await(), 404, "not-found");
    assertNotNull(admin.get("/v1/admin/keys?tenant=listing").send().await().bodyAsJsonObject()
        .getJsonArray("keys").getJsonObject(0).getString("revokedAt"));
  }

  @Test
  void aRevokedKeyStopsWorkingWithinTheCacheTime() {
    JsonObject key = admin.post("/v1/admin/keys").sendJsonObject(keyRequest("default", "read")).await().bodyAsJsonObject();
    WebClient holder = client(key.getString("key"));
    assertEquals(200, holder.get("/v1/events").send().await().statusCode());

    assertEquals(204, admin.delete("/v1/admin/keys/" + key.getString("id")).send().await().statusCode());

    HttpResponse<Buffer> last = awaitStatus(() -> holder.get("/v1/events").send().await(), 401, Duration.ofSeconds(5));
    assertProblem(last, 401, "unauthorized");
  }

  @Test
  void badAdminRequestsAre400AndTheBootstrapKeyCannotBeRevokedOverHttp() {
    assertProblem(admin.post("/v1/admin/keys").sendJsonObject(keyRequest("Not A Tenant", "read")).await(), 400, "bad-field");
    assertProblem(admin.post("/v1/admin/keys").sendJsonObject(keyRequest("default", "root")).await(), 400, "bad-field");
    assertProblem(admin.post("/v1/admin/keys").sendJsonObject(new JsonObject().put("tenant", "default")).await(), 400, "bad-field");
    assertProblem(admin.post("/v1/admin/keys").sendJsonObject(keyRequest("default", "read")
        .put("limits", new JsonObject().put("eventsPerSecond", -1))).await(), 400, "bad-field");
    assertProblem(admin.post("/v1/admin/keys").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("[1,")).await(), 400, "malformed-request");
    assertProblem(admin.delete("/v1/admin/keys/" + KeyStore.BOOTSTRAP_ID).send().await(), 403, "forbidden");
  }

  @Test
  void aTenantAdminKeyAdministersItsOwnTenantOnly() {
    WebClient tenantAdmin = client(createKey("adm", "admin"));
    String otherTenantKeyId = admin.post("/v1/admin/keys").sendJsonObject(keyRequest("default", "read")).await()
        .bodyAsJsonObject().getString("id");

    assertEquals(201, tenantAdmin.post("/v1/admin/keys").sendJsonObject(keyRequest("adm", "read")).await().statusCode());
    assertProblem(tenantAdmin.post("/v1/admin/keys").sendJsonObject(keyRequest("default", "read")).await(), 403, "forbidden");
    JsonArray listed = tenantAdmin.get("/v1/admin/keys?tenant=default").send().await().bodyAsJsonObject().getJsonArray("keys");
    assertEquals(2, listed.size());
    listed.forEach(k -> assertEquals("adm", ((JsonObject) k).getString("tenant")));
    // another tenant's key is not found, not forbidden
    assertProblem(tenantAdmin.delete("/v1/admin/keys/" + otherTenantKeyId).send().await(), 404, "not-found");
  }

  @Test
  void aTenantNeverSeesAnotherTenantsEventsOnAnyQueryRoute() {
    WebClient a = client(createKey("tenant-a", "ingest", "read"));
    WebClient b = client(createKey("tenant-b", "ingest", "read"));
    String id = uniqueId();
    String subject = "sub-" + id;
    String type = "type-" + id;
    assertEquals(202, post(a, event(id, "/it/tenancy", type).put("subject", subject).put("data", "a's")).statusCode());
    awaitStatus(() -> a.get("/v1/events/" + id + "?source=/it/tenancy").send().await(), 200, WITHIN);
    awaitStatus(() -> a.get("/v1/subjects/" + subject + "/latest").send().await(), 200, WITHIN);

    assertProblem(b.get("/v1/events/" + id + "?source=/it/tenancy").send().await(), 404, "not-found");
    assertProblem(b.get("/v1/events/" + id).send().await(), 404, "not-found");
    assertProblem(b.get("/v1/subjects/" + subject + "/latest").send().await(), 404, "not-found");
    assertEquals(0, b.get("/v1/events?subject=" + subject).send().await().bodyAsJsonObject().getJsonArray("events").size());
    assertEquals(0, b.get("/v1/events?type=" + type).send().await().bodyAsJsonObject().getJsonArray("events").size());
    assertEquals(0, b.get("/v1/events?source=/it/tenancy").send().await().bodyAsJsonObject().getJsonArray("events")
        .stream().filter(e -> ((JsonObject) e).getString("id").equals(id)).count());
    assertEquals(0, total(b.get("/v1/stats?type=" + type).send().await().bodyAsJsonObject()));
    assertEquals(1, total(a.get("/v1/stats?type=" + type).send().await().bodyAsJsonObject()));
    assertEquals(1, a.get("/v1/events?subject=" + subject).send().await().bodyAsJsonObject().getJsonArray("events").size());

    // the same (source, id) in tenant b is b's own event, not a duplicate of a's
    assertEquals(202, post(b, event(id, "/it/tenancy", type).put("subject", subject).put("data", "b's")).statusCode());
    HttpResponse<Buffer> bs = awaitStatus(() -> b.get("/v1/events/" + id + "?source=/it/tenancy").send().await(), 200, WITHIN);
    assertEquals("b's", bs.bodyAsJsonObject().getString("data"));
    assertEquals("a's", a.get("/v1/events/" + id + "?source=/it/tenancy").send().await().bodyAsJsonObject().getString("data"));
  }

  @Test
  void aTenantsKafkaTopicGivesItsRecordsThatTenantAndDeadLettersOtherClaims() throws Exception {
    WebClient acme = client(createKey("acme", "read"));
    String plainId = uniqueId();
    String claimingId = uniqueId();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaEngine.bootstrap()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] key = bytes("k-" + plainId);
      producer.send(new ProducerRecord<>(acmeTopic, null, key, bytes("{\"n\":1}"), List.of(
          header("ce_specversion", "1.0"), header("ce_id", claimingId), header("ce_source", "/it/kafka-tenant"),
          header("ce_type", "t"), header("surge_tenant", "default")))).get();
      producer.send(new ProducerRecord<>(acmeTopic, null, key, bytes("{\"n\":2}"), List.of(
          header("ce_specversion", "1.0"), header("ce_id", plainId), header("ce_source", "/it/kafka-tenant"),
          header("ce_type", "t")))).get();
    }

    awaitStatus(() -> acme.get("/v1/events/" + plainId + "?source=/it/kafka-tenant").send().await(), 200, WITHIN);
    assertProblem(admin.get("/v1/events/" + plainId + "?source=/it/kafka-tenant").send().await(), 404, "not-found");
    assertProblem(acme.get("/v1/events/" + claimingId + "?source=/it/kafka-tenant").send().await(), 404, "not-found");
    assertProblem(admin.get("/v1/events/" + claimingId + "?source=/it/kafka-tenant").send().await(), 404, "not-found");
    try (TopicReader reader = new TopicReader(KafkaEngine.bootstrap(), config.pipeline().dlqTopic())) {
      ConsumerRecord<byte[], byte[]> dead = reader.read(1, WITHIN).get(0);
      Map<String, String> h = headers(dead);
      assertEquals(claimingId, h.get("ce_id"));
      assertEquals(acmeTopic, h.get(DeadLetters.TOPIC));
      assertTrue(h.get(DeadLetters.REASON).contains("tenant"), h.get(DeadLetters.REASON));
    }
  }

  private static String createKey(String tenant, String... scopes) {
    HttpResponse<Buffer> created = admin.post("/v1/admin/keys").sendJsonObject(keyRequest(tenant, scopes)).await();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("key");
  }

  private static JsonObject keyRequest(String tenant, String... scopes) {
    return new JsonObject().put("tenant", tenant).put("scopes", new JsonArray(List.of((Object[]) scopes)));
  }

  private static WebClient client(String key) {
    return TestSurge.client(clientVertx, node.httpPort(), key);
  }

  private static HttpResponse<Buffer> post(WebClient client, JsonObject event) {
    return client.request(HttpMethod.POST, "/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .sendBuffer(Buffer.buffer(event.encode())).await();
  }

  private static HttpResponse<Buffer> awaitStatus(Supplier<HttpResponse<Buffer>> request, int status, Duration within) {
    return eventually(within, () -> {
      HttpResponse<Buffer> answer = request.get();
      assertEquals(status, answer.statusCode(), answer::bodyAsString);
      return answer;
    });
  }

  private static long total(JsonObject stats) {
    return stats.getJsonArray("buckets").stream().mapToLong(b -> ((JsonObject) b).getLong("count")).sum();
  }

  private static JsonObject event(String id, String source, String type) {
    return new JsonObject().put("specversion", "1.0").put("id", id).put("source", source).put("type", type);
  }

  private static RecordHeader header(String name, String value) {
    return new RecordHeader(name, bytes(value));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String uniqueId() {
    return UUID.randomUUID().toString();
  }
}
