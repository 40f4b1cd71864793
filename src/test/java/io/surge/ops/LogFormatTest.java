package io.surge.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surge.config.Redaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped logback.xml in both formats, chosen as in production by SURGE_LOG_FORMAT (here the system property of
 * that name, which Logback reads before the environment): what a line carries, and that secrets stay redacted.
 */
class LogFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRETS = "postgresql://surge:s3cr3t@db:5432/surge refused Authorization: Bearer sk_live_tok3n";

  private final PrintStream stderr = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  @AfterEach
  void restoreLogging() throws Exception {
    System.setErr(stderr);
    System.clearProperty("SURGE_LOG_FORMAT");
    System.clearProperty("SURGE_LOG_LEVEL");
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  @Test
  void jsonIsOneObjectPerLineWithLevelLoggerMessageAndRequestId() throws Exception {
    configure("json");
    Logger log = LoggerFactory.getLogger("io.surge.http.ProblemRenderer");

    MDC.put(RequestIds.MDC_REQUEST_ID, "req-\"7\"");
    MDC.put(RequestIds.MDC_TENANT, "acme");
    try {
      log.warn("GET {} answered {}", "/v1/events", 503);
      log.info("a message with\na newline and a \"quote\"");
    } finally {
      MDC.clear();
    }
    log.debug("below the root level");

    List<String> lines = lines();
    assertEquals(2, lines.size(), () -> String.join("\n", lines));
    JsonNode first = JSON.readTree(lines.get(0));
    assertEquals("WARN", first.path("level").asText());
    assertEquals("io.surge.http.ProblemRenderer", first.path("loggerName").asText());
    assertEquals("GET /v1/events answered 503", first.path("formattedMessage").asText());
    assertEquals("req-\"7\"", first.path("mdc").path("requestId").asText());
    assertEquals("acme", first.path("mdc").path("tenant").asText());
    assertTrue(first.path("timestamp").isNumber(), lines.get(0));
    assertEquals(Thread.currentThread().getName(), first.path("threadName").asText());
    assertEquals("a message with\na newline and a \"quote\"", JSON.readTree(lines.get(1)).path("formattedMessage").asText());
  }

  @Test
  void jsonLinesCarryRedactedSecrets() throws Exception {
    configure("json");

    LoggerFactory.getLogger("io.surge.db.Postgres").warn("Postgres unavailable: {}", Redaction.redact(SECRETS));

    String line = lines().get(0);
    assertEquals("Postgres unavailable: postgresql://surge:***@db:5432/surge refused Authorization: Bearer ***",
        JSON.readTree(line).path("formattedMessage").asText());
    assertFalse(line.contains("s3cr3t") || line.contains("sk_live_tok3n"), line);
  }

  @Test
  void textCarriesTimeThreadLevelLoggerMessageAndTheMdc() throws Exception {
    configure("text");
    Logger log = LoggerFactory.getLogger("io.surge.db.Postgres");

    log.info("no request here");
    MDC.put(RequestIds.MDC_REQUEST_ID, "req-1");
    try {
      log.warn("Postgres unavailable: {}", Redaction.redact(SECRETS));
    } finally {
      MDC.clear();
    }

    List<String> lines = lines();
    String thread = Thread.currentThread().getName();
    assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) \\["
        + java.util.regex.Pattern.quote(thread) + "] INFO Postgres - no request here"), lines.get(0));
    assertTrue(lines.get(1).endsWith("WARN Postgres - Postgres unavailable: postgresql://surge:***@db:5432/surge refused "
        + "Authorization: Bearer *** {requestId=req-1}"), lines.get(1));
  }

  @Test
  void theQuietLoggersStayQuietAndTheRootLevelIsAKnob() throws Exception {
    System.setProperty("SURGE_LOG_LEVEL", "DEBUG");
    configure("text");

    LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient").info("kafka chatter");
    LoggerFactory.getLogger("state.change.logger").info("broker chatter");
    LoggerFactory.getLogger("io.surge.Surge").debug("wanted");

    List<String> lines = lines();
    assertEquals(1, lines.size(), () -> String.join("\n", lines));
    assertTrue(lines.get(0).endsWith("DEBUG Surge - wanted"), lines.get(0));
  }

  @Test
  void micrometersGaugeReRegistrationWarningIsDroppedAndItsOtherWarningsKept() throws Exception {
    configure("text");
    Logger micrometer = LoggerFactory.getLogger(GaugeReRegistrationFilter.LOGGER);

    // as Micrometer words it when a second Vert.x server or client registers the same gauge
    micrometer.warn("This Gauge has been already registered (MeterId{name='vertx.net.client.active.connections', "
        + "tags=[]}), the registration will be ignored. Note that subsequent logs will be logged at debug level.");
    micrometer.warn("A MeterFilter is being configured after a Meter has been registered to this registry.");
    LoggerFactory.getLogger("io.surge.Surge").warn("This Gauge has been already registered, says Surge");

    List<String> lines = lines();
    assertEquals(2, lines.size(), () -> String.join("\n", lines));
    assertTrue(lines.get(0).endsWith("WARN MeterRegistry - A MeterFilter is being configured after a Meter has been "
        + "registered to this registry."), lines.get(0));
    assertTrue(lines.get(1).endsWith("WARN Surge - This Gauge has been already registered, says Surge"), lines.get(1));
  }

  private void configure(String format) throws Exception {
    System.setProperty("SURGE_LOG_FORMAT", format);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  private List<String> lines() {
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
