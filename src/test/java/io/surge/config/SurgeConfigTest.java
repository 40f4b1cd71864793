package io.surge.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surge.config.SurgeConfig.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static io.surge.config.ConfigSourceTest.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The typed configuration: the bundled defaults start, env overrides land, bad values fail start-up clearly. */
class SurgeConfigTest {

  @TempDir
  Path dir;

  @Test
  void bundledDefaultsAreValid() {
    SurgeConfig config = SurgeConfig.from(ConfigSource.load(null, Map.of()));

    assertEquals(EnumSet.allOf(Role.class), config.roles());
    assertEquals(8080, config.http().port());
    assertEquals(Runtime.getRuntime().availableProcessors(), config.http().instances(), "0 means one per core");
    assertEquals("surge.events", config.kafka().topic());
    assertEquals(5000, config.kafka().deliveryTimeoutMs());
    assertEquals(4 << 20, config.ingest().maxBodyBytes());
    assertEquals(600, config.security().keyStaleSeconds());
    assertEquals(60, config.security().authFailuresPerMinute());
  }

  @Test
  void environmentOverridesTheBundledDefaults() {
    SurgeConfig config = SurgeConfig.from(ConfigSource.load(null, Map.of(
        "SURGE_HTTP_PORT", "9090",
        "SURGE_ROLES", " Ingest , worker",
        "SURGE_INGEST_MAX_BODY_BYTES", "1000",
        "SURGE_KAFKA_COMPRESSION", "zstd",
        "SURGE_PG_URL", "postgres://db.internal:5433/x",
        "SURGE_SECURITY_KEY_STALE_SECONDS", "0",
        "SURGE_SECURITY_AUTH_FAILURES_PER_MINUTE", "0")));

    assertEquals(9090, config.http().port());
    assertEquals(EnumSet.of(Role.INGEST, Role.WORKER), config.roles());
    assertEquals(1000, config.ingest().maxBodyBytes());
    assertEquals("zstd", config.kafka().compression());
    assertEquals("postgres://db.internal:5433/x", config.pgUrl());
    assertEquals(0, config.security().keyStaleSeconds(), "0 turns stale key answers off");
    assertEquals(0, config.security().authFailuresPerMinute(), "0 turns the failure limit off");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "SURGE_HTTP_PORT|abc",
      "SURGE_HTTP_PORT|70000",
      "SURGE_HTTP_INSTANCES|-1",
      "SURGE_ROLES|bogus",
      "SURGE_ROLES|ingest,,worker",
      "SURGE_KAFKA_TOPIC|bad topic",
      "SURGE_KAFKA_COMPRESSION|brotli",
      "SURGE_KAFKA_DELIVERY_TIMEOUT_MS|2999",
      "SURGE_KAFKA_PARTITIONS|0",
      "SURGE_PG_URL|mysql://127.0.0.1/surge",
      "SURGE_REDIS_URL|127.0.0.1:6379",
      "SURGE_REDIS_URL|redis://[bad",
      "SURGE_INGEST_MAX_JSON_DEPTH|1",
      "SURGE_INGEST_MAX_BATCH_EVENTS|9999999999",
      "SURGE_PIPELINE_INGRESS_TOPICS|bad topic",
      "SURGE_PIPELINE_INGRESS_TOPICS|legacy=raw:",
      "SURGE_PIPELINE_INGRESS_TOPICS|legacy=json",
      "SURGE_PIPELINE_DLQ_TOPIC|dead letters",
      "SURGE_PIPELINE_BACKOFF_MAX_MS|1",
      "SURGE_QUERY_DEFAULT_LIMIT|5000",
      "SURGE_REDIS_STATS_TTL_SECONDS|60",
      "SURGE_PIPELINE_INGRESS_TOPICS|partner@Acme",
      "SURGE_BOOTSTRAP_KEY|too-short",
      "SURGE_BOOTSTRAP_KEY|has a space in it 0123456789abcdefghij",
      "SURGE_SECURITY_RATE_LIMIT_FALLBACK|allow",
      "SURGE_SECURITY_KEY_CACHE_SECONDS|3601",
      "SURGE_SECURITY_KEY_STALE_SECONDS|-1",
      "SURGE_SECURITY_KEY_STALE_SECONDS|86401",
      "SURGE_SECURITY_AUTH_FAILURES_PER_MINUTE|-1",
      "SURGE_SECURITY_AUTH_FAILURES_PER_MINUTE|lots",
      "SURGE_BOOTSTRAP_KEY|sk_bootstrap-key-0123456789abcdefghijklmnop",
      "SURGE_SECURITY_JWT_PUBLIC_KEY_PATH|/nonexistent/key.pem",
      "SURGE_SECURITY_JWT_PUBLIC_KEY_PATH|/etc/hostname",
      "SURGE_SECURITY_JWT_JWKS_URL|ftp://idp.example/jwks.json",
      "SURGE_SECURITY_JWT_JWKS_URL|https://",
      "SURGE_SECURITY_JWT_JWKS_REFRESH_SECONDS|1",
      "SURGE_SECURITY_JWT_REQUESTS_PER_SECOND|-1",
      "SURGE_HTTP_MAX_HEADER_BYTES|10",
      "SURGE_HTTP_REQUEST_TIMEOUT_MS|50",
      "SURGE_HTTP_IDLE_TIMEOUT_SECONDS|-1",
      "SURGE_KAFKA_CREATE_TOPICS|yes",
      "SURGE_KAFKA_MIN_INSYNC_REPLICAS|-1",
      "SURGE_MANAGEMENT_PORT|70000",
      "SURGE_INGEST_MAX_ID_BYTES|0",
      "SURGE_INGEST_MAX_SOURCE_BYTES|2400",
      "SURGE_INGEST_MAX_SUBJECT_BYTES|3000",
      "SURGE_PIPELINE_INSTANCE_ID|has space",
      "SURGE_PIPELINE_SESSION_TIMEOUT_MS|1000",
      "SURGE_PIPELINE_STALL_SECONDS|0",
      "SURGE_KAFKA_PROPERTIES_ACKS|1",
      "SURGE_KAFKA_PRODUCER_ACKS|0",
      "SURGE_KAFKA_PRODUCER_ENABLE_IDEMPOTENCE|false",
      "SURGE_KAFKA_PRODUCER_MAX_BLOCK_MS|60000",
      "SURGE_KAFKA_PROPERTIES_KEY_SERIALIZER|org.apache.kafka.common.serialization.StringSerializer",
      "SURGE_KAFKA_CONSUMER_ENABLE_AUTO_COMMIT|true",
      "SURGE_KAFKA_CONSUMER_VALUE_DESERIALIZER|org.apache.kafka.common.serialization.StringDeserializer",
      "SURGE_KAFKA_ADMIN_BOOTSTRAP_SERVERS|other:9092",
      "SURGE_PG_SSL_MODE|prefer",
      "SURGE_PG_SSL_MODE|verify-full",
      "SURGE_PG_SSL_ROOT_CERT_PATH|/nonexistent/ca.pem",
      "SURGE_PG_URL|postgresql://db/x?sslmode=verify-ca",
      "SURGE_REDIS_TLS_CA_PATH|/nonexistent/ca.pem",
      "SURGE_REDIS_TLS_CA_PATH|/etc/hostname"})
  void badOverrideFailsNamingTheVariable(String envName, String value) {
    ConfigSource source = ConfigSource.load(null, Map.of(envName, value));

    ConfigException e = assertThrows(ConfigException.class, () -> SurgeConfig.from(source));

    assertOneLineNaming(e, envName);
  }

  @Test
  void ingressTopicsAreCloudEventTopicsOrRawTopicsWithAType() {
    SurgeConfig config = SurgeConfig.from(ConfigSource.load(null,
        Map.of("SURGE_PIPELINE_INGRESS_TOPICS", "partner.events, legacy.orders=raw:com.acme.order")));

    assertEquals(List.of(new SurgeConfig.IngressTopic("partner.events", false, null, null),
        new SurgeConfig.IngressTopic("legacy.orders", true, "com.acme.order", null)), config.pipeline().ingressTopics());
    SurgeConfig owned = SurgeConfig.from(ConfigSource.load(null,
        Map.of("SURGE_PIPELINE_INGRESS_TOPICS", "partner.events@acme,legacy.orders=raw:com.acme.order@acme")));
    assertEquals(List.of(new SurgeConfig.IngressTopic("partner.events", false, null, "acme"),
        new SurgeConfig.IngressTopic("legacy.orders", true, "com.acme.order", "acme")), owned.pipeline().ingressTopics());
    assertEquals(List.of(), SurgeConfig.from(ConfigSource.load(null, Map.of())).pipeline().ingressTopics());
  }

  @Test
  void deliveryTimeoutAtLingerPlusRequestIsValid() {
    // bundled requestTimeoutMs 3000, linger set to 5
    SurgeConfig config = SurgeConfig.from(ConfigSource.load(null,
        Map.of("SURGE_KAFKA_LINGER_MS", "5", "SURGE_KAFKA_DELIVERY_TIMEOUT_MS", "3005")));

    assertEquals(3005, config.kafka().deliveryTimeoutMs());
  }

  @Test
  void deliveryTimeoutBelowLingerPlusRequestInTheFileNamesTheKey() throws IOException {
    // given a file whose delivery timeout is shorter than linger + request (5 + 3000)
    Path file = bundledWith("kafka", "deliveryTimeoutMs", 3000);

    // when
    ConfigException e = assertThrows(ConfigException.class,
        () -> SurgeConfig.from(ConfigSource.load(file, Map.of("SURGE_KAFKA_LINGER_MS", "5"))));

    // then
    assertOneLineNaming(e, "kafka.deliveryTimeoutMs in " + file);
    assertTrue(e.getMessage().contains("3005"), e::getMessage);
  }

  @Test
  void kafkaPassThroughPropertiesReachEachKindOfClient() {
    SurgeConfig config = SurgeConfig.from(ConfigSource.load(null, Map.of(
        "SURGE_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
        "SURGE_KAFKA_PRODUCER_CLIENT_RACK", "producer-rack",
        "SURGE_KAFKA_PROPERTIES_CLIENT_RACK", "rack",
        "SURGE_KAFKA_CONSUMER_FETCH_MAX_WAIT_MS", "100")));

    KafkaClientProperties properties = config.kafka().clientProperties();
    assertEquals(Map.of("security.protocol", "SASL_SSL", "client.rack", "producer-rack"), properties.forProducer(),
        "a producer property wins over the one for all clients");
    assertEquals(Map.of("security.protocol", "SASL_SSL", "client.rack", "rack", "fetch.max.wait.ms", "100"),
        properties.forConsumer());
    assertEquals(Map.of("security.protocol", "SASL_SSL", "client.rack", "rack"), properties.forAdmin());
  }

  @Test
  void kafkaPassThroughSecretsAreHiddenWhenPrinted() {
    SurgeConfig config = SurgeConfig.from(ConfigSource.load(null, Map.of(
        "SURGE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "ScramLoginModule required username=\"u\" password=\"pw-123\";",
        "SURGE_KAFKA_PROPERTIES_SSL_TRUSTSTORE_PASSWORD", "store-secret")));

    String printed = config.kafka().toString();

    assertTrue(!printed.contains("pw-123") && !printed.contains("store-secret"), printed);
    assertTrue(printed.contains("sasl.jaas.config=<hidden>"), printed);
  }

  @Test
  void pgTlsKeysAreMergedIntoTheUrlAsLibpqParameters() throws IOException {
    Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "pem");

    SurgeConfig config = SurgeConfig.from(ConfigSource.load(null, Map.of(
        "SURGE_PG_URL", "postgresql://u@db.example:5432/surge?sslmode=disable&application_name=surge",
        "SURGE_PG_SSL_MODE", "verify-full", "SURGE_PG_SSL_ROOT_CERT_PATH", ca.toString())));

    assertEquals("postgresql://u@db.example:5432/surge?application_name=surge&sslmode=verify-full&sslrootcert=" + ca,
        config.pgUrl());
    assertEquals("postgresql://postgres@127.0.0.1:5432/surge", SurgeConfig.from(ConfigSource.load(null, Map.of())).pgUrl(),
        "no TLS keys: the URL as configured");
  }

  /** The bundled conf/surge.json with one value changed, written to a temporary file. */
  private Path bundledWith(String section, String key, int value) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    try (InputStream in = SurgeConfigTest.class.getResourceAsStream("/conf/surge.json")) {
      ObjectNode root = (ObjectNode) mapper.readTree(in);
      ((ObjectNode) root.get(section)).put(key, value);
      Path file = dir.resolve("surge.json");
      mapper.writeValue(file.toFile(), root);
      return file;
    }
  }
}
