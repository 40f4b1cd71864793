package io.surge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code surge config}: every effective value with its origin, sorted, secrets hidden. */
class ConfigCommandTest {
  private static final String KEY = "bootstrap-secret-0123456789abcdefghijkl";

  @TempDir
  Path dir;

  private record Run(int exit, List<String> lines, String err) {}

  @Test
  void printsEveryKeyWithItsValueAndOriginSorted() throws IOException {
    // given a file, environment variables and --roles
    Path file = Files.writeString(dir.resolve("surge.json"), "{\"http\":{\"port\":9000},"
        + "\"kafka\":{\"properties\":{\"security.protocol\":\"SASL_SSL\"}}}");

    // when
    Run run = config(Map.of("SURGE_HTTP_HOST", "10.0.0.1", "HOME", "/root"), "--config", file.toString(),
        "--roles", "worker");

    // then
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.lines().contains("http.port = 9000  (" + file + ")"), run.lines()::toString);
    assertTrue(run.lines().contains("http.host = 10.0.0.1  (SURGE_HTTP_HOST)"), run.lines()::toString);
    assertTrue(run.lines().contains("kafka.topic = surge.events  (default)"), run.lines()::toString);
    assertTrue(run.lines().contains("kafka.properties.security.protocol = SASL_SSL  (" + file + ")"), run.lines()::toString);
    assertTrue(run.lines().contains("roles = worker  (--roles)"), run.lines()::toString);
    assertTrue(run.lines().contains("bootstrapKey = \"\"  (default)"), run.lines()::toString);
    assertEquals(run.lines().stream().sorted().toList(), run.lines(), "sorted by key");
  }

  @Test
  void secretsAreHidden() {
    Run run = config(Map.of(
        "SURGE_BOOTSTRAP_KEY", KEY,
        "SURGE_PG_URL", "postgresql://surge:pg-pass@db:5432/surge",
        "SURGE_REDIS_URL", "redis://:redis-pass@cache:6379",
        "SURGE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "ScramLoginModule required username=\"u\" password=\"kafka-pass\";",
        "SURGE_KAFKA_PROPERTIES_SSL_KEYSTORE_PASSWORD", "store-pass"));

    assertEquals(0, run.exit(), run.err());
    String all = String.join("\n", run.lines());
    for (String secret : List.of(KEY, "pg-pass", "redis-pass", "kafka-pass", "store-pass")) {
      assertFalse(all.contains(secret), secret + " was printed:\n" + all);
    }
    assertTrue(run.lines().contains("bootstrapKey = <hidden>  (SURGE_BOOTSTRAP_KEY)"), all);
    assertTrue(run.lines().contains("pg.url = postgresql://surge:***@db:5432/surge  (SURGE_PG_URL)"), all);
    assertTrue(run.lines().contains("kafka.properties.sasl.jaas.config = <hidden>  (SURGE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG)"), all);
  }

  @Test
  void aConfigurationThatWouldNotStartExitsTwoWithTheReason() {
    Run run = config(Map.of("SURGE_HTTP_PORT", "http"));

    assertEquals(2, run.exit());
    assertTrue(run.lines().contains("http.port = http  (SURGE_HTTP_PORT)"), "still printed, to see why");
    assertTrue(run.err().startsWith("surge: invalid configuration SURGE_HTTP_PORT='http'"), run.err());
  }

  @Test
  void anUnknownVariableExitsTwoNamingIt() {
    Run run = config(Map.of("SURGE_HTTP_PROT", "9000"));

    assertEquals(2, run.exit());
    assertTrue(run.err().contains("SURGE_HTTP_PROT"), run.err());
  }

  private static Run config(Map<String, String> env, String... args) {
    ConfigCommand command = new ConfigCommand();
    command.env = env;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(exit, out.toString().lines().toList(), err.toString());
  }
}
