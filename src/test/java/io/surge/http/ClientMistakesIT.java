package io.surge.http;

import io.surge.testing.KafkaEngine;
import io.surge.testing.SurgeProcess;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's mistake is a 4xx problem+json and no stack trace in the log, at every layer down to the HTTP codec.
 * One Surge process serves every test, so its own output is the log under test; each test ends by checking that
 * its mistakes left nothing at ERROR or WARN and no stack trace there.
 */
@ExtendWith(KafkaEngine.class)
class ClientMistakesIT {
  private static final String KEY = "Authorization: Bearer " + TestSurge.BOOTSTRAP_KEY + "\r\n";
  /** A stack frame, an ERROR (slf4j, Logback) or SEVERE (JUL) line, or a WARN from an HTTP event loop. */
  private static final Pattern NOISE = Pattern.compile(
      "(?m)^\\s+at \\S+\\(|\\bERROR\\b|\\bSEVERE\\b|^.*vert\\.x-eventloop.*\\bWARN(ING)?\\b");

  private static final Pattern REQUEST_ID = Pattern.compile("(?i)\r\nx-request-id: ([^\r]*)\r\n");

  private static Vertx vertx;
  private static SurgeProcess surge;
  private int logMark;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    surge = SurgeProcess.start(TestSurge.env(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("client-mistakes-it"),
        Map.of()), "ingest,query").awaitLog("listening on");
  }

  @AfterAll
  static void stop() {
    surge.close();
    vertx.close().await();
  }

  @BeforeEach
  void markLog() {
    logMark = surge.output().length();
  }

  @AfterEach
  void logStayedQuiet() {
    // one event loop serves every connection, so once this is answered what the test's requests logged is written
    assertTrue(get("/health/live").startsWith("HTTP/1.1 200"));
    String logged = surge.output().substring(logMark);
    assertFalse(NOISE.matcher(logged).find(), () -> "a client's mistake was logged:\n" + logged);
  }

  @ParameterizedTest
  @CsvSource({
      "GET /v1/events/%00, id",
      "GET /v1/events?subject=%00, subject",
      "GET /v1/subjects/%00/latest, subject",
      "GET /v1/stats?type=%00, type",
      "GET /v1/events/x?source=%00, source",
      "DELETE /v1/admin/keys/%00, id",
      "GET /v1/admin/keys?tenant=%00, tenant",
      "GET /v1/events?type=a%01b, type",           // a control character
      "GET /v1/events?subject=%ED%A0%80, subject", // a lone surrogate, UTF-8-encoded
      "GET /v1/events?source=%C3%28, source",      // not UTF-8
      "GET /v1/events?subject=%E2%82, subject",    // UTF-8 cut short
  })
  void badTextInAnyParameterIs400NamingIt(String request, String parameter) {
    String answer = exchange(request + " HTTP/1.1\r\nHost: x\r\n" + KEY + "\r\n");

    JsonObject problem = problem(answer, 400, "urn:surge:problem:bad-parameter");
    assertEquals(parameter, problem.getString("parameter"), answer);
  }

  @ParameterizedTest
  @CsvSource({
      "GET /v1/events/%zz, id",
      "GET /v1/events?limit=%G1, limit",
      "GET /v1/events?cursor=%%%, cursor",
  })
  void aMalformedEscapeIs400NamingTheParameter(String request, String parameter) {
    String answer = exchange(request + " HTTP/1.1\r\nHost: x\r\n" + KEY + "\r\n");

    JsonObject problem = problem(answer, 400, "urn:surge:problem:malformed-request");
    assertTrue(problem.getString("detail").contains("parameter " + parameter + " "), answer);
  }

  @Test
  void validTextIsNotRefused() {
    String answer = exchange("GET /v1/events?subject=caf%C3%A9+%F0%9F%98%80 HTTP/1.1\r\nHost: x\r\n" + KEY + "\r\n");

    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
  }

  @Test
  void aMalformedEscapeOutsideAParameterIs400() {
    String answer = exchange("GET /v1/%zz/events HTTP/1.1\r\nHost: x\r\n" + KEY + "\r\n");

    problem(answer, 400, "urn:surge:problem:malformed-request");
  }

  @Test
  void aMissingHostIs400() {
    String answer = exchange("GET /v1/events HTTP/1.1\r\n" + KEY + "\r\n");

    problem(answer, 400, "urn:surge:problem:malformed-request");
  }

  @Test
  void aBadContentLengthIs400AndTheConnectionCloses() {
    String answer = RawHttp.connect(vertx, surge.httpPort())
        .send("POST /v1/events HTTP/1.1\r\nHost: x\r\n" + KEY + "Content-Length: 12a\r\n\r\n{}").closed();

    problem(answer, 400, "urn:surge:problem:malformed-request");
    assertTrue(answer.toLowerCase().contains("\r\nconnection: close\r\n"), answer);
  }

  @Test
  void aTooLongRequestLineIs414() {
    String answer = RawHttp.connect(vertx, surge.httpPort())
        .send("GET /v1/events/" + "a".repeat(HttpVerticle.MAX_REQUEST_LINE_BYTES) + " HTTP/1.1\r\nHost: x\r\n" + KEY + "\r\n")
        .closed();

    problem(answer, 414, "urn:surge:problem:uri-too-long");
  }

  @Test
  void oversizedHeadersAre431() {
    String answer = RawHttp.connect(vertx, surge.httpPort())
        .send("GET /v1/events HTTP/1.1\r\nHost: x\r\n" + KEY + "X-Pad: " + "a".repeat(20_000) + "\r\n\r\n").closed();

    problem(answer, 431, "urn:surge:problem:headers-too-large");
  }

  @Test
  void aBrokenChunkClosesTheConnection() {
    // Vert.x closes the connection on a framing error before anything written can be flushed: no answer is
    // possible, but the connection must not stay open and the log must stay quiet
    RawHttp.connect(vertx, surge.httpPort()).send("POST /v1/events HTTP/1.1\r\nHost: x\r\n" + KEY
        + "Content-Type: application/cloudevents+json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n").closed();
  }

  @Test
  void aClientThatHangsUpMidBodyIsNotAnError() {
    RawHttp connection = RawHttp.connect(vertx, surge.httpPort()).send("POST /v1/events HTTP/1.1\r\nHost: x\r\n" + KEY
        + "Content-Type: application/cloudevents+json\r\nContent-Length: 1000\r\n\r\n{\"specversion\":");
    // the first answer proves the request reached the body handler before the hang-up
    assertTrue(exchange("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));

    connection.close();
  }

  @Test
  void aRequestIdSentIsEchoedInTheAnswerAndTheProblem() {
    String answer = exchange("GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nX-Request-Id: trace-42/a b\r\n" + KEY + "\r\n");

    JsonObject problem = problem(answer, 404, "urn:surge:problem:not-found");
    assertEquals("trace-42/a b", problem.getString("requestId"), answer);
  }

  @Test
  void withoutARequestIdSurgeMakesOne() {
    String first = requestId(get("/health/live"));
    String second = requestId(problemAnswer(exchange("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n"), 401));

    assertTrue(first.matches("[0-9a-v]{8}-[0-9a-z]+"), first);
    assertTrue(second.matches("[0-9a-v]{8}-[0-9a-z]+"), second);
    assertFalse(first.equals(second), first);
  }

  @ParameterizedTest
  @CsvSource({"129 characters", "a tab", "not ASCII"})
  void anUnfitRequestIdIsReplaced(String unfit) {
    String sent = switch (unfit) {
      case "129 characters" -> "x".repeat(129);
      case "a tab" -> "a\tb"; // other control characters do not pass the HTTP codec
      default -> "caf\u00e9";
    };

    String answer = exchange("GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + sent + "\r\n" + KEY + "\r\n");

    String id = problem(answer, 404, "urn:surge:problem:not-found").getString("requestId");
    assertTrue(id.matches("[0-9a-v]{8}-[0-9a-z]+"), answer);
  }

  private static String problemAnswer(String answer, int status) {
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
    return answer;
  }

  /** The X-Request-Id of an answer. */
  private static String requestId(String answer) {
    Matcher id = REQUEST_ID.matcher(answer.substring(0, answer.indexOf("\r\n\r\n") + 2));
    assertTrue(id.find(), () -> "no X-Request-Id: " + answer);
    return id.group(1);
  }

  private static String get(String path) {
    return exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  private static String exchange(String request) {
    RawHttp connection = RawHttp.connect(vertx, surge.httpPort()).send(request);
    try {
      return connection.answer();
    } finally {
      connection.close();
    }
  }

  /** Asserts a problem+json answer of {@code status} and {@code type}; returns its body. */
  static JsonObject problem(String answer, int status, String type) {
    assertTrue(answer.matches("(?s)HTTP/1\\.[01] " + status + " .*"), answer);
    int head = answer.indexOf("\r\n\r\n");
    assertTrue(head > 0 && answer.substring(0, head).toLowerCase().contains("\r\ncontent-type: application/problem+json"), answer);
    JsonObject body = new JsonObject(Buffer.buffer(answer.substring(head + 4)));
    assertEquals(status, body.getInteger("status"), answer);
    assertEquals(type, body.getString("type"), answer);
    assertEquals(requestId(answer), body.getString("requestId"), answer);
    return body;
  }
}
