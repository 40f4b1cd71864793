package io.surge.security;

import io.surge.SurgeNode;
import io.surge.db.Migrations;
import io.surge.db.Postgres;
import io.surge.testing.KafkaEngine;
import io.surge.testing.PostgresEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.surge.testing.Eventually.eventually;
import static io.surge.testing.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Postgres stops while Kafka is up: keys the node knew keep ingesting past the key cache's TTL (stale-if-error,
 * {@code security.keyStaleSeconds}), a key revoked before the outage stays refused, and a key the node never
 * looked up cannot be checked (503). A Postgres that hangs instead of refusing is treated alike once a lookup
 * has taken {@link Authenticator#LOOKUP_TIMEOUT_MS}.
 */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class KeyOutageIT {
  private PostgresEngine.Private pg;
  private SurgeNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
    if (pg != null) {
      pg.stop();
    }
  }

  @Test
  void knownKeysKeepIngestingThroughAPostgresOutageAndRevocationsHold(Vertx vertx) {
    pg = PostgresEngine.startPrivate();
    node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("key-outage-it"), Map.of(
        "SURGE_PG_URL", pg.url("surge"),
        "SURGE_SECURITY_KEY_CACHE_SECONDS", "1",
        "SURGE_SECURITY_KEY_STALE_SECONDS", "600",
        "SURGE_SECURITY_AUTH_FAILURES_PER_MINUTE", "0")); // the refused keys below fail often: 401 wanted, not 429
    WebClient admin = TestSurge.client(vertx, node.httpPort());
    // given a live key, a revoked one and a made-up one, each checked since the store's last word about it
    JsonObject live = createKey(admin);
    JsonObject revoked = createKey(admin);
    String madeUp = KeySecrets.newToken();
    WebClient liveClient = TestSurge.client(vertx, node.httpPort(), live.getString("key"));
    WebClient revokedClient = TestSurge.client(vertx, node.httpPort(), revoked.getString("key"));
    WebClient madeUpClient = TestSurge.client(vertx, node.httpPort(), madeUp);
    assertEquals(202, post(liveClient).statusCode());
    assertEquals(202, post(revokedClient).statusCode());
    assertEquals(204, admin.delete("/v1/admin/keys/" + revoked.getString("id")).send().await().statusCode());
    awaitStatus(revokedClient, 401, Duration.ofSeconds(10)); // the node's cache has seen the revocation
    assertProblem(post(madeUpClient), 401, "unauthorized");

    // when Postgres stops
    pg.stop();

    // then, for three TTLs, the live key ingests (Kafka is up), the revoked and the made-up key stay refused
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int rounds = 0;
    while (System.nanoTime() < until) {
      HttpResponse<Buffer> accepted = post(liveClient);
      assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
      assertProblem(post(revokedClient), 401, "unauthorized");
      assertProblem(post(madeUpClient), 401, "unauthorized");
      rounds++;
    }
    // and a key never checked before cannot be told from a made-up one without Postgres: 503, try again
    HttpResponse<Buffer> unknown = post(TestSurge.client(vertx, node.httpPort(), KeySecrets.newToken()));
    assertProblem(unknown, 503, "unavailable");
    assertEquals("2", unknown.getHeader("Retry-After"));
    assertTrue(rounds > 3, "rounds: " + rounds);
  }

  @Test
  void aLookupThatHangsIsAnsweredFromTheLastAnswerWithinTheLookupTimeout(Vertx vertx) {
    // given an authenticator that reaches Postgres through a proxy which can stop forwarding (a partition:
    // nothing is refused, nothing answers), with a cache time of 0 so every request asks the store
    String url = PostgresEngine.freshDatabaseUrl();
    Postgres.ensureDatabase(vertx, url).await();
    Pool direct = Postgres.pool(vertx, url, 1);
    Migrations.apply(direct).await();
    String valid = new KeyStore(direct).create("default", EnumSet.of(Scope.INGEST), null, null).await().token();
    AtomicBoolean cutOff = new AtomicBoolean();
    int proxyPort = proxy(vertx, URI.create(url).getPort(), cutOff);
    Pool proxied = Postgres.pool(vertx, url.replace(":" + URI.create(url).getPort() + "/", ":" + proxyPort + "/"), 1);
    Authenticator auth = new Authenticator(new KeyStore(proxied), 0, 600, 0);
    assertEquals("default", auth.authenticate(valid, "10.0.0.1").await().tenant());

    // when the network to Postgres goes quiet
    cutOff.set(true);

    // then the known key is answered from the last answer once the lookup times out, and at once after that
    long started = System.nanoTime();
    assertEquals("default", auth.authenticate(valid, "10.0.0.1").await().tenant());
    long waitedMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(waitedMs >= Authenticator.LOOKUP_TIMEOUT_MS - 100 && waitedMs < Authenticator.LOOKUP_TIMEOUT_MS + 2_000,
        "waited " + waitedMs + " ms");
    Future<Principal> next = auth.authenticate(valid, "10.0.0.1");
    assertTrue(next.succeeded(), "the next request does not wait for another lookup");
    // and a key never looked up fails (503 over HTTP) after the timeout instead of hanging
    AsyncResult<Principal> unknown = auth.authenticate(KeySecrets.newToken(), "10.0.0.1")
        .<AsyncResult<Principal>>transform(Future::succeededFuture).await();
    assertInstanceOf(TimeoutException.class, unknown.cause());
    direct.close().await();
  }

  /** A TCP proxy to Postgres on {@code pgPort} that drops everything both ways while {@code cutOff} is set. */
  private static int proxy(Vertx vertx, int pgPort, AtomicBoolean cutOff) {
    NetClient client = vertx.createNetClient();
    return vertx.createNetServer().connectHandler(in -> {
      in.pause();
      client.connect(pgPort, "127.0.0.1").onSuccess(out -> {
        in.handler(b -> {
          if (!cutOff.get()) {
            out.write(b);
          }
        });
        out.handler(b -> {
          if (!cutOff.get()) {
            in.write(b);
          }
        });
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.resume();
      }).onFailure(e -> in.close());
    }).listen(0, "127.0.0.1").await().actualPort();
  }

  private static JsonObject createKey(WebClient admin) {
    HttpResponse<Buffer> created = admin.post("/v1/admin/keys").sendJsonObject(new JsonObject().put("tenant", "default")
        .put("scopes", new JsonArray().add("ingest"))).await();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> post(WebClient client) {
    JsonObject event = new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
        .put("source", "/it/key-outage").put("type", "t");
    return client.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .sendBuffer(Buffer.buffer(event.encode())).await();
  }

  private static void awaitStatus(WebClient client, int status, Duration within) {
    eventually(within, () -> assertEquals(status, post(client).statusCode()));
  }
}
