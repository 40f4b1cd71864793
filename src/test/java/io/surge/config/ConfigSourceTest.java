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
    ConfigSource source = ConfigSource.load(file(FILE), Map.of());

    ConfigException e = assertThrows(ConfigException.class, () -> source.string("kafka.notAKey"));

    assertOneLineNaming(e, "kafka.notAKey");
    assertTrue(e.getMessage().contains("SURGE_KAFKA_NOT_A_KEY"), e::getMessage);
  }

  @Test
  void fileIsLayeredOverTheBundledDefaults() throws IOException {
    // given a file naming only the keys it changes
    Path file = file(FILE);

    // when
    ConfigSource source = ConfigSource.load(file, Map.of("SURGE_HTTP_HOST", "env-host"));

    // then every other key keeps its default, and each value says where it came from
    assertEquals("surge.events", source.string("kafka.topic"));
    assertEquals(new ConfigSource.Value("surge.events", "default"), source.entries().get("kafka.topic"));
    assertEquals(new ConfigSource.Value("9000", file.toString()), source.entries().get("http.port"));
    assertEquals(new ConfigSource.Value("env-host", "SURGE_HTTP_HOST"), source.entries().get("http.host"));
  }

  @Test
  void unknownKeyInTheFileFailsNamingItTheFileAndTheClosestKey() throws IOException {
    Path file = file("{\"http\":{\"prot\":9000}}");

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.load(file, Map.of()));

    assertOneLineNaming(e, "'http.prot' in " + file);
    assertTrue(e.getMessage().contains("did you mean 'http.port'?"), e::getMessage);
  }

  @Test
  void unknownSurgeVariableFailsNamingItAndTheClosestVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigSource.load(null, Map.of("SURGE_KAFKA_BOOTSTRAP_SERVERS", "k:9092")));

    assertOneLineNaming(e, "SURGE_KAFKA_BOOTSTRAP_SERVERS");
    assertTrue(e.getMessage().contains("did you mean 'SURGE_KAFKA_BOOTSTRAP'?"), e::getMessage);
  }

  @Test
  void variablesSurgeUsesForOtherThingsAndOtherProgramsAreNotKeys() {
    Map<String, String> env = new java.util.HashMap<>();
    ConfigSource.NOT_KEYS.forEach(name -> env.put(name, "x"));
    env.put("PATH", "/usr/bin");

    ConfigSource source = ConfigSource.load(null, env);

    assertTrue(source.entries().values().stream().noneMatch(v -> v.origin().startsWith("SURGE_")));
  }

  @Test
  void passThroughKeysAreAcceptedFromTheFileAsDottedNamesAndFromTheEnvironment() throws IOException {
    // given Kafka properties in the file (dotted names under "properties") and one by environment
    Path file = file("{\"kafka\":{\"properties\":{\"security.protocol\":\"SASL_SSL\"},"
        + "\"producer\":{\"client\":{\"rack\":\"r1\"}}}}");

    // when
    ConfigSource source = ConfigSource.load(file, Map.of("SURGE_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
        "SURGE_KAFKA_CONSUMER_FETCH_MIN_BYTES", "1"));

    // then
    assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"),
        source.below("kafka.properties."));
    assertEquals(Map.of("client.rack", "r1"), source.below("kafka.producer."));
    assertEquals(Map.of("fetch.min.bytes", "1"), source.below("kafka.consumer."));
    assertEquals("SURGE_KAFKA_PROPERTIES_SASL_MECHANISM", source.entries().get("kafka.properties.sasl.mechanism").origin());
  }

  @Test
  void theEnvironmentOverridesAPassThroughKeyOfTheFile() throws IOException {
    Path file = file("{\"kafka\":{\"properties\":{\"security.protocol\":\"SASL_SSL\"}}}");

    ConfigSource source = ConfigSource.load(file, Map.of("SURGE_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SSL"));

    assertEquals(Map.of("security.protocol", "SSL"), source.below("kafka.properties."));
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
