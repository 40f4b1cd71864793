package io.surge.http;

import io.surge.SurgeNode;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listener limits against oversized headers, slow and idle clients; TLS from PEM files. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class HttpLimitsIT {
  private SurgeNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  private void start(Map<String, String> overrides) {
    node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("http-limits-it"), overrides);
  }

  @Test
  void oversizedHeadersAre431(Vertx vertx) {
    start(Map.of("SURGE_HTTP_MAX_HEADER_BYTES", "2048"));
    WebClient client = TestSurge.client(vertx, node.httpPort());

    assertEquals(200, client.get("/v1/admin/keys").putHeader("X-Pad", "x".repeat(1000)).send().await().statusCode());
    assertEquals(431, client.get("/v1/admin/keys").putHeader("X-Pad", "x".repeat(4000)).send().await().statusCode());
  }

  @Test
  void aClientThatStopsSendingItsBodyGets408(Vertx vertx) {
    start(Map.of("SURGE_HTTP_REQUEST_TIMEOUT_MS", "500"));
    String head = "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestSurge.BOOTSTRAP_KEY
        + "\r\nContent-Type: application/cloudevents+json\r\nContent-Length: 100\r\n\r\n{\"specversion\":";

    String answer = exchange(vertx, head, 5);

    assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
    assertTrue(answer.contains("application/problem+json"), answer);
  }

  @Test
  void anIdleConnectionIsClosed(Vertx vertx) throws Exception {
    start(Map.of("SURGE_HTTP_IDLE_TIMEOUT_SECONDS", "1"));
    NetClient net = vertx.createNetClient();
    NetSocket socket = net.connect(node.httpPort(), "127.0.0.1").await();
    io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
    socket.closeHandler(v -> closed.tryComplete());

    closed.future().await(5, TimeUnit.SECONDS); // throws if the server kept it open
  }

  @Test
  void tlsFromPemFiles(Vertx vertx) {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    start(Map.of("SURGE_HTTP_TLS_CERT_PATH", cert.certificatePath(), "SURGE_HTTP_TLS_KEY_PATH", cert.privateKeyPath()));
    WebClient tls = WebClientSession.create(WebClient.create(vertx, new WebClientOptions().setSsl(true)
            .setTrustOptions(new PemTrustOptions().addCertPath(cert.certificatePath())).setVerifyHost(false)
            .setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort())))
        .addHeader("Authorization", "Bearer " + TestSurge.BOOTSTRAP_KEY);

    HttpResponse<Buffer> answer = tls.get("/v1/admin/keys").send().await();
    assertEquals(200, answer.statusCode());
    // plain HTTP on the TLS port gets nowhere
    assertThrows(Exception.class, () -> TestSurge.client(vertx, node.httpPort()).get("/v1/admin/keys")
        .timeout(3000).send().await());
  }

  @Test
  void halfConfiguredTlsFailsStartUpNamingTheKey() {
    var e = assertThrows(io.surge.config.ConfigException.class, () -> TestSurge.config(KafkaEngine.bootstrap(),
        "t", Map.of("SURGE_HTTP_TLS_CERT_PATH", "/nonexistent.pem")));
    assertTrue(e.getMessage().contains("tlsKeyPath"), e.getMessage());
  }

  private String exchange(Vertx vertx, String request, int timeoutSeconds) {
    NetSocket socket = vertx.createNetClient().connect(node.httpPort(), "127.0.0.1").await();
    Buffer received = Buffer.buffer();
    io.vertx.core.Promise<String> done = io.vertx.core.Promise.promise();
    socket.handler(received::appendBuffer);
    socket.closeHandler(v -> done.tryComplete(received.toString()));
    vertx.setTimer(timeoutSeconds * 1000L, t -> done.tryComplete(received.toString()));
    socket.write(request);
    return done.future().await();
  }
}
