package io.surge.http;

import io.surge.SurgeNode;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static io.surge.http.ClientMistakesIT.problem;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request refused before its body is read gets its answer, {@code Connection: close} and a closed connection,
 * even from a client that writes megabytes before it reads; not a connection held until the idle timeout.
 */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class EarlyRefusalIT {
  private static final int DECLARED_BYTES = 30 << 20;
  private static final int SENT_BYTES = 3 << 20;

  private SurgeNode node;

  @BeforeEach
  void start() {
    node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("early-refusal-it"), Map.of());
  }

  @AfterEach
  void stop() {
    node.stop().await();
  }

  @Test
  void noKeyIs401AndACloseWhileTheBodyIsStillComing(Vertx vertx) {
    String answer = sendLargeBody(vertx, "");

    problem(answer, 401, "urn:surge:problem:unauthorized");
  }

  @Test
  void anUnknownKeyIs401AndACloseAfterTheKeyLookup(Vertx vertx) {
    // an unknown key is looked up in Postgres, and the request is paused meanwhile
    String answer = sendLargeBody(vertx, "Authorization: Bearer no-such-key-0123456789abcdefghijklmnopqrstu\r\n");

    problem(answer, 401, "urn:surge:problem:unauthorized");
  }

  @Test
  void aKeyWithoutTheScopeIs403AndAClose(Vertx vertx) {
    JsonObject created = TestSurge.client(vertx, node.httpPort()).post("/v1/admin/keys")
        .sendJsonObject(new JsonObject().put("tenant", "default").put("scopes", new JsonArray().add("read")))
        .await().bodyAsJsonObject();

    String answer = sendLargeBody(vertx, "Authorization: Bearer " + created.getString("key") + "\r\n");

    problem(answer, 403, "urn:surge:problem:forbidden");
  }

  @Test
  void aBodyOverTheLimitIs413AndAClose(Vertx vertx) {
    String answer = sendLargeBody(vertx, "Authorization: Bearer " + TestSurge.BOOTSTRAP_KEY + "\r\n");

    problem(answer, 413, "urn:surge:problem:too-large");
  }

  @Test
  void aRefusalOfARequestWithoutBodyKeepsTheConnection(Vertx vertx) {
    RawHttp connection = RawHttp.connect(vertx, node.httpPort());
    String answer = connection.send("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n").answer();

    problem(answer, 401, "urn:surge:problem:unauthorized");
    assertFalse(answer.toLowerCase().contains("\r\nconnection: close"), answer);
    connection.close();
  }

  /** Sends the head of a 30 MB POST and 3 MB of it without reading; returns all that came back before the close. */
  private String sendLargeBody(Vertx vertx, String authorization) {
    RawHttp connection = RawHttp.connect(vertx, node.httpPort()).send("POST /v1/events HTTP/1.1\r\nHost: x\r\n"
        + authorization + "Content-Type: application/cloudevents-batch+json\r\nContent-Length: " + DECLARED_BYTES
        + "\r\n\r\n");
    Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
    for (int sent = 0; sent < SENT_BYTES; sent += chunk.length()) {
      connection.send(chunk);
    }
    String answer = connection.closed(); // fails when the server holds the connection 5 s
    assertTrue(answer.toLowerCase().contains("\r\nconnection: close\r\n"), answer);
    return answer;
  }
}
