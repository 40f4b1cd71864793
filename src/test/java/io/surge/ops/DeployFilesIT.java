package io.surge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surge.SurgeNode;
import io.surge.config.ConfigSource;
import io.surge.dev.FreePorts;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.surge.testing.Eventually.eventually;
import static io.surge.testing.MetricsText.scrape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deploy files under docker/ name only what Surge has: its configuration variables, its ports, the paths
 * its management port serves and the metrics a real node exposes, so a renamed key or meter fails here
 * instead of in a cluster.
 */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class DeployFilesIT {
  private static final Path DOCKER = Path.of("docker");
  /*
   * SURGE_ variables that are not configuration keys but are read by name: SURGE_JAVA_OPTS by the image's
   * entrypoint, SURGE_CONFIG by SurgeConfig.load, SURGE_LOG_FORMAT and SURGE_LOG_LEVEL by logback.xml.
   */
  private static final Set<String> OTHER_VARIABLES = Set.of("SURGE_JAVA_OPTS", "SURGE_CONFIG", "SURGE_LOG_FORMAT",
      "SURGE_LOG_LEVEL");
  private static final Pattern VARIABLE = Pattern.compile("SURGE_[A-Z0-9_]*[A-Z0-9]");
  // the families a Surge node serves; any other name in a rule (up) is Prometheus's own
  private static final Pattern METRIC = Pattern.compile("\\b(?:surge|vertx|jvm|process|system|kafka)_[a-z0-9_]+\\b");
  private static final Pattern PROBE_PATH = Pattern.compile("(?:GET|uri) (/[a-z/]+)");

  private static final ConfigSource DEFAULTS = ConfigSource.load(null, Map.of());
  private static final int HTTP_PORT = DEFAULTS.integer("http.port", 1, 65535);
  private static final int MANAGEMENT_PORT = DEFAULTS.integer("management.port", 1, 65535);

  private static Vertx vertx;
  private static SurgeNode node;
  private static int management;

  @BeforeAll
  static void startNode() {
    vertx = Vertx.vertx();
    management = FreePorts.pick();
    node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("deploy-files-it"), Map.of(
        "SURGE_ROLES", "ingest,worker,query", "SURGE_MANAGEMENT_PORT", Integer.toString(management),
        "SURGE_MANAGEMENT_HOST", "127.0.0.1"));
    // traffic, so that the meters born on first use exist: accepted, refused, persisted
    WebClient client = TestSurge.client(vertx, node.httpPort());
    for (int i = 0; i < 3; i++) {
      JsonObject event = new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
          .put("source", "/it/deploy").put("type", "t");
      assertEquals(202, post(client, event.encode()));
    }
    assertEquals(400, post(client, "{\"specversion\":\"1.0\"}"));
  }

  @AfterAll
  static void stopNode() {
    node.stop().await();
    vertx.close().await();
  }

  @Test
  void everySurgeVariableIsAConfigKeyOrReadByName() throws IOException {
    Set<String> known = new TreeSet<>(OTHER_VARIABLES);
    configKeys("", bundledConfig(), key -> known.add(ConfigSource.envName(key)));

    List<String> unknown = new ArrayList<>();
    for (Path file : files(DOCKER, "")) {
      Matcher m = VARIABLE.matcher(Files.readString(file));
      while (m.find()) {
        if (!known.contains(m.group())) {
          unknown.add(file + ": " + m.group());
        }
      }
    }
    assertEquals(List.of(), unknown, "SURGE_ variables that Surge does not read");
  }

  @Test
  void everyPortIsTheConfiguredHttpOrManagementPort() throws IOException {
    List<JsonNode> docs = new ArrayList<>(yaml(DOCKER.resolve("compose.yml")));
    for (Path file : files(DOCKER.resolve("k8s"), ".yaml")) {
      docs.addAll(yaml(file));
    }
    docs.addAll(yaml(DOCKER.resolve("prometheus/prometheus.yml")));
    List<String> wrong = new ArrayList<>();
    for (JsonNode doc : docs) {
      walk(doc, (name, value) -> {
        // SURGE_HTTP_PORT in an environment, a ConfigMap; a port named http or management in a pod or Service
        String expected = expectedPort(name.equals("SURGE_HTTP_PORT") ? "http"
            : name.equals("SURGE_MANAGEMENT_PORT") ? "management" : "");
        if (expected != null && !value.asText().equals(expected)) {
          wrong.add(name + "=" + value.asText());
        }
        String named = expectedPort(value.path("name").asText());
        for (String field : List.of("containerPort", "port", "targetPort")) {
          JsonNode port = value.path(field);
          if (named != null && port.isNumber() && !port.asText().equals(named)) {
            wrong.add(value.path("name").asText() + " " + field + " " + port);
          }
        }
        // a probe's or a scrape's port
        if ((name.equals("httpGet") || name.equals("dns_sd_configs")) && !value.toString()
            .matches(".*\"port\":(\"management\"|\"?" + MANAGEMENT_PORT + "\"?).*")) {
          wrong.add(name + " " + value);
        }
      });
    }
    assertEquals(List.of(), wrong, "ports that are not Surge's http (" + HTTP_PORT + ") or management ("
        + MANAGEMENT_PORT + ") port");

    String haproxy = Files.readString(DOCKER.resolve("haproxy/haproxy.cfg"));
    assertTrue(haproxy.contains("check port " + MANAGEMENT_PORT), "HAProxy checks the management port");
    assertTrue(haproxy.contains("ingest:" + HTTP_PORT), "HAProxy sends to the http port");
    for (Path file : List.of(DOCKER.resolve("Dockerfile"), DOCKER.resolve("compose.yml"))) {
      String text = Files.readString(file);
      assertTrue(text.contains("/dev/tcp/127.0.0.1/" + MANAGEMENT_PORT) || text.contains(":-" + MANAGEMENT_PORT + "}"),
          file + "'s health check asks the management port");
    }
  }

  @Test
  void everyProbeAndScrapePathIsServedByTheManagementPort() throws IOException {
    Set<String> paths = new TreeSet<>();
    for (Path file : files(DOCKER, "")) {
      String text = Files.readString(file);
      Matcher m = PROBE_PATH.matcher(text);
      while (m.find()) {
        paths.add(m.group(1));
      }
      // k8s probes and ServiceMonitors, Prometheus scrapes (Grafana's provisioning has paths of another kind)
      if (file.startsWith(DOCKER.resolve("k8s")) || file.startsWith(DOCKER.resolve("prometheus"))) {
        for (JsonNode doc : yaml(file)) {
          walk(doc, (name, value) -> {
            if ((name.equals("path") || name.equals("metrics_path")) && value.asText().startsWith("/")) {
              paths.add(value.asText());
            }
          });
        }
      }
    }
    assertEquals(Set.of("/health/live", "/health/ready", "/metrics"), paths, "every path the deploy files ask for");

    WebClient client = WebClient.create(vertx);
    for (String path : paths) {
      assertEquals(200, client.get(management, "127.0.0.1", path).send().await().statusCode(), path);
    }
    // liveness must not depend on the engines, or an outage restarts every pod
    for (Path file : files(DOCKER.resolve("k8s"), ".yaml")) {
      for (JsonNode doc : yaml(file)) {
        walk(doc, (name, value) -> {
          if (name.equals("livenessProbe") || name.equals("startupProbe")) {
            assertEquals("/health/live", value.at("/httpGet/path").asText(), file + " " + name);
          } else if (name.equals("readinessProbe")) {
            assertEquals("/health/ready", value.at("/httpGet/path").asText(), file + " " + name);
          }
        });
      }
    }
  }

  @Test
  void everyMetricInTheDashboardAndRulesIsServed() throws IOException {
    Set<String> used = new TreeSet<>();
    List<JsonNode> sources = new ArrayList<>();
    for (Path file : files(DOCKER.resolve("grafana/dashboards"), ".json")) {
      sources.add(new ObjectMapper().readTree(file.toFile()));
    }
    for (Path file : files(DOCKER.resolve("prometheus/rules"), ".yml")) {
      sources.addAll(yaml(file));
    }
    for (JsonNode source : sources) {
      walk(source, (name, value) -> {
        // expressions, and the rule tests' synthetic series, which must be shaped like the real ones
        if (value.isTextual() && (name.equals("expr") || name.equals("series"))) {
          Matcher m = METRIC.matcher(value.asText());
          while (m.find()) {
            used.add(m.group());
          }
        }
      });
    }
    assertTrue(used.size() > 15, "the dashboard and rules were read: " + used);

    // the consumers' lag per partition joins /metrics at the Kafka binder's first refresh, within 60 s
    WebClient client = WebClient.create(vertx);
    eventually(Duration.ofSeconds(90), () -> {
      Set<String> missing = new TreeSet<>(used);
      missing.removeAll(sampleNames(scrape(client, management)));
      assertEquals(Set.of(), missing, "metrics the dashboard or rules use that a Surge node does not serve");
    });
  }

  /** Every sample's name: histograms and counters appear with their _bucket, _count, _sum and _total. */
  private static Set<String> sampleNames(String text) {
    Set<String> names = new TreeSet<>();
    text.lines().filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    assertFalse(names.isEmpty());
    return names;
  }

  /** Surge's port by the name deploy files give it, or null for any other name. */
  private static String expectedPort(String name) {
    return switch (name) {
      case "http" -> Integer.toString(HTTP_PORT);
      case "management" -> Integer.toString(MANAGEMENT_PORT);
      default -> null;
    };
  }

  private static int post(WebClient client, String body) {
    return client.post("/v1/events").putHeader("Content-Type", "application/cloudevents+json")
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
  }

  private static JsonNode bundledConfig() throws IOException {
    try (InputStream in = ConfigSource.class.getResourceAsStream("/conf/surge.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  /** The flat keys of the configuration file ({@code kafka.bootstrap}), as ConfigSource reads them. */
  private static void configKeys(String prefix, JsonNode node, Consumer<String> out) {
    if (!node.isObject()) {
      out.accept(prefix);
      return;
    }
    node.fields().forEachRemaining(field ->
        configKeys(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out));
  }

  /**
   * The documents of a YAML file. SnakeYAML (under jackson-dataformat-yaml) rather than Jackson's YAML parser,
   * which leaves aliases and merge keys ({@code <<: *surge-env}) unresolved.
   */
  private static List<JsonNode> yaml(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (Object doc : new Yaml().loadAll(in)) {
        if (doc != null) {
          docs.add(new ObjectMapper().valueToTree(doc));
        }
      }
    }
    return docs;
  }

  private interface Visitor {
    void field(String name, JsonNode value);
  }

  /**
   * Calls {@code visitor} for every field of every object in the tree, at any depth, and for every element of
   * an array under the array's field name (so a port in {@code ports:} is seen whole).
   */
  private static void walk(JsonNode node, Visitor visitor) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        visitor.field(field.getKey(), field.getValue());
        if (field.getValue().isArray()) {
          field.getValue().forEach(element -> visitor.field(field.getKey(), element));
        }
        walk(field.getValue(), visitor);
      }
    } else if (node.isArray()) {
      node.forEach(element -> walk(element, visitor));
    }
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(suffix)).sorted().toList();
    }
  }
}
