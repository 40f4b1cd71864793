package io.surge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flat keys from a JSON file, each overridden by its SURGE_* environment variable. */
class ConfigSourceTest {
  private static final String FILE =
      "{\"http\":{\"port\":9000,\"host\":\"file-host\"},\"ingest\":{\"maxBodyBytes\":1024}}";

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "ingest.maxBodyBytes, SURGE_INGEST_MAX_BODY_BYTES",
      "http.port, SURGE_HTTP_PORT",
      "roles, SURGE_ROLES",
      "kafka.replicationFactor, SURGE_KAFKA_REPLICATION_FACTOR",
      "pg.url, SURGE_PG_URL"})
  void envNameIsSurgePlusTheKeyInUpperSnakeCase(String key, String envName) {
    assertEquals(envName, ConfigSource.envName(key));
  }

  @Test
  void fileValuesApplyWithoutOverrides() throws IOException {
    ConfigSource source = ConfigSource.load(file(FILE), Map.of());

    assertEquals(9000, source.integer("http.port", 0, 65535));
    assertEquals("file-host", source.string("http.host"));
  }

  @Test
  void environmentOverridesTheFile() throws IOException {
    ConfigSource source = ConfigSource.load(file(FILE),
        Map.of("SURGE_HTTP_PORT", "9100", "SURGE_INGEST_MAX_BODY_BYTES", " 2048 "));

    assertEquals(9100, source.integer("http.port", 0, 65535));
    assertEquals(2048, source.integer("ingest.maxBodyBytes", 1, Integer.MAX_VALUE));
    assertEquals("file-host", source.string("http.host"), "keys without an override keep the file value");
  }

  @Test
  void nullFileReadsTheBundledDefaults() {
    ConfigSource source = ConfigSource.load(null, Map.of("SURGE_KAFKA_TOPIC", "from-env"));

    assertEquals(8080, source.integer("http.port", 0, 65535));
    assertEquals("from-env", source.string("kafka.topic"));
  }

  @Test
  void badOverrideNamesTheEnvironmentVariable() throws IOException {
    ConfigSource source = ConfigSource.load(file(FILE), Map.of("SURGE_HTTP_PORT", "abc"));

    ConfigException e = assertThrows(ConfigException.class, () -> source.integer("http.port", 0, 65535));

    assertOneLineNaming(e, "SURGE_HTTP_PORT");
    assertTrue(e.getMessage().contains("'abc'"), e::getMessage);
  }

  @Test
  void badFileValueNamesTheKeyAndTheFile() throws IOException {
    Path file = file(FILE);
    ConfigSource source = ConfigSource.load(file, Map.of());

    ConfigException e = assertThrows(ConfigException.class, () -> source.integer("http.port", 1, 100));

    assertOneLineNaming(e, "http.port in " + file);
  }

  @Test
  void emptyStringIsInvalid() throws IOException {
    ConfigSource source = ConfigSource.load(file(FILE), Map.of("SURGE_HTTP_HOST", "  "));

    assertOneLineNaming(assertThrows(ConfigException.class, () -> source.string("http.host")), "SURGE_HTTP_HOST");
  }

  @Test
  void keyWithoutADefaultNamesTheKeyAndItsVariable() throws IOException {
    ConfigSource source = ConfigSource.load(file(FILE), Map.of("SURGE_KAFKA_TOPIC", "t"));

    ConfigException e = assertThrows(ConfigException.class, () -> source.string("kafka.topic"));

    assertOneLineNaming(e, "kafka.topic");
    assertTrue(e.getMessage().contains("SURGE_KAFKA_TOPIC"), e::getMessage);
  }

  @Test
  void unreadableFileIsOneLine() throws IOException {
    Path file = file("{\"http\": {\n\"port\": \n");

    assertOneLineNaming(assertThrows(ConfigException.class, () -> ConfigSource.load(file, Map.of())),
        file.toString());
  }

  private Path file(String json) throws IOException {
    return Files.writeString(dir.resolve("surge.json"), json);
  }

  static void assertOneLineNaming(ConfigException e, String name) {
    assertTrue(e.getMessage().contains(name), () -> "should name " + name + ": " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), () -> "should be one line: " + e.getMessage());
  }
}
