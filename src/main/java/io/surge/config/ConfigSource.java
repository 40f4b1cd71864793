package io.surge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Flat configuration keys ({@code kafka.bootstrap}) in three layers: the defaults bundled in the jar
 * ({@code conf/surge.json}), an operator's JSON file holding only the keys it changes, and environment variables
 * named {@code SURGE_} plus the key in upper snake case ({@code SURGE_KAFKA_BOOTSTRAP}). A key no layer below
 * knows, in the file or the environment, fails start-up: a typo must not leave a default silently in force.
 */
public final class ConfigSource {
  /** Where a value came from when it is the bundled one. */
  public static final String DEFAULT = "default";

  /**
   * The {@code SURGE_*} variables that are not configuration keys, so the unknown-variable check lets them be:
   * the config file's path, the dev stack's data folder, the scripts' JVM options, the README's API key, and
   * logback.xml's log format and level. A new variable of this kind is added here and nowhere else.
   */
  public static final Set<String> NOT_KEYS = Set.of("SURGE_CONFIG", "SURGE_DEV_DIR", "SURGE_JAVA_OPTS", "SURGE_KEY",
      "SURGE_LOG_FORMAT", "SURGE_LOG_LEVEL");

  /**
   * Keys below these prefixes go verbatim to the Kafka clients (all of them, producers, consumers, admin
   * clients), so any name is accepted below them. By environment, {@code SURGE_KAFKA_PROPERTIES_SASL_MECHANISM}
   * is {@code kafka.properties.sasl.mechanism}: the rest of the name lower-cased, each {@code _} a dot.
   */
  public static final List<String> PASS_THROUGH = List.of("kafka.properties.", "kafka.producer.", "kafka.consumer.",
      "kafka.admin.");

  private static final String BUNDLED = "/conf/surge.json";

  private final Map<String, Value> values;

  /** A value and its origin: {@link #DEFAULT}, the file's path, the environment variable, or {@code --roles}. */
  public record Value(String value, String origin) {}

  private ConfigSource(Map<String, Value> values) {
    this.values = values;
  }

  /** The bundled defaults, then {@code file} (when not null), then the {@code SURGE_*} variables of {@code env}. */
  public static ConfigSource load(Path file, Map<String, String> env) {
    Map<String, Value> values = new LinkedHashMap<>();
    flatten("", readBundled(), (key, value) -> values.put(key, new Value(value, DEFAULT)));
    if (file != null) {
      Set<String> known = Set.copyOf(values.keySet());
      flatten("", readFile(file), (key, value) -> {
        if (!known.contains(key) && !isPassThrough(key)) {
          throw new ConfigException("unknown configuration key '" + key + "' in " + file + suggestion(key, known));
        }
        values.put(key, new Value(value, file.toString()));
      });
    }
    Map<String, String> keysByEnvName = new LinkedHashMap<>();
    values.keySet().forEach(key -> keysByEnvName.put(envName(key), key));
    for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
      String name = variable.getKey();
      if (!name.startsWith("SURGE_") || NOT_KEYS.contains(name)) {
        continue;
      }
      String key = passThroughKey(name);
      if (key == null) {
        key = keysByEnvName.get(name);
      }
      if (key == null) {
        throw new ConfigException("unknown environment variable " + name + ": no configuration key is named so"
            + suggestion(name, keysByEnvName.keySet()));
      }
      values.put(key, new Value(variable.getValue(), name));
    }
    return new ConfigSource(values);
  }

  /** The environment variable that overrides {@code key}: {@code ingest.maxBodyBytes -> SURGE_INGEST_MAX_BODY_BYTES}. */
  public static String envName(String key) {
    StringBuilder name = new StringBuilder("SURGE_");
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.') {
        name.append('_');
      } else if (Character.isUpperCase(c)) {
        name.append('_').append(c);
      } else {
        name.append(Character.toUpperCase(c));
      }
    }
    return name.toString();
  }

  public ConfigSource with(String key, String value, String origin) {
    require(key);
    Map<String, Value> v = new LinkedHashMap<>(values);
    v.put(key, new Value(value, origin));
    return new ConfigSource(v);
  }

  /** Every key with its value and origin, sorted by key. */
  public SortedMap<String, Value> entries() {
    return new TreeMap<>(values);
  }

  /** The keys below {@code prefix} (one of {@link #PASS_THROUGH}) with the prefix cut off. */
  public Map<String, String> below(String prefix) {
    Map<String, String> out = new TreeMap<>();
    values.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        out.put(key.substring(prefix.length()), value.value());
      }
    });
    return out;
  }

  public String string(String key) {
    String value = require(key).trim();
    if (value.isEmpty()) {
      throw invalid(key, value, "must not be empty");
    }
    return value;
  }

  /** Like {@link #string} but an empty value is allowed (an empty list, say). */
  public String optionalString(String key) {
    return require(key).trim();
  }

  /** {@code true} or {@code false}, nothing else. */
  public boolean bool(String key) {
    String raw = require(key).trim();
    if (!raw.equals("true") && !raw.equals("false")) {
      throw invalid(key, raw, "must be true or false");
    }
    return raw.equals("true");
  }

  public int integer(String key, int min, int max) {
    long value = longValue(key, min, max);
    return (int) value;
  }

  public long longValue(String key, long min, long max) {
    String raw = require(key).trim();
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw invalid(key, raw, "must be a whole number");
    }
    if (value < min || value > max) {
      throw invalid(key, raw, "must be between " + min + " and " + max);
    }
    return value;
  }

  /** A ConfigException naming where the bad value came from. */
  public ConfigException invalid(String key, String value, String why) {
    return new ConfigException("invalid configuration " + where(key) + "='" + Redaction.redact(value) + "': " + why);
  }

  /** {@code SURGE_HTTP_PORT}, {@code http.port in /etc/surge.json} or {@code http.port (default)}. */
  public String where(String key) {
    Value value = values.get(key);
    if (value == null || value.origin().equals(DEFAULT)) {
      return key + " (default)";
    }
    return value.origin().startsWith("SURGE_") || value.origin().startsWith("--") ? value.origin()
        : key + " in " + value.origin();
  }

  static boolean isPassThrough(String key) {
    return PASS_THROUGH.stream().anyMatch(key::startsWith);
  }

  private static String passThroughKey(String envName) {
    for (String prefix : PASS_THROUGH) {
      String envPrefix = envName(prefix);
      if (envName.startsWith(envPrefix) && envName.length() > envPrefix.length()) {
        return prefix + envName.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
      }
    }
    return null;
  }

  private String require(String key) {
    Value value = values.get(key);
    if (value == null) {
      throw new ConfigException("configuration key '" + key + "' (" + envName(key) + ") has no default in conf/surge.json");
    }
    return value.value();
  }

  /** {@code "; did you mean 'x'?"} for the known name closest to a mistyped one, or nothing when none is close. */
  private static String suggestion(String typed, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = EditDistance.between(typed.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best != null && bestDistance <= Math.max(2, typed.length() / 3) ? "; did you mean '" + best + "'?" : "";
  }

  private interface Sink {
    void put(String key, String value);
  }

  private static void flatten(String prefix, JsonNode node, Sink out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out);
      }
    } else {
      out.put(prefix, node.isTextual() ? node.textValue() : node.toString());
    }
  }

  private static JsonNode readFile(Path file) {
    try {
      return new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static JsonNode readBundled() {
    try (InputStream in = ConfigSource.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new ConfigException("no bundled " + BUNDLED + " on the classpath");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new ConfigException("cannot read bundled configuration: " + e.getMessage());
    }
  }
}
