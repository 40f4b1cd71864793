package io.surge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flat configuration keys ({@code kafka.bootstrap}) read from a JSON file, each overridable by an environment
 * variable named {@code SURGE_} plus the key in upper snake case ({@code SURGE_KAFKA_BOOTSTRAP}).
 * Every key must have a default in the file, so every override has a key to land on.
 */
public final class ConfigSource {
  private static final String BUNDLED = "/conf/surge.json";

  private final Map<String, String> values;
  private final Map<String, String> origins;

  private ConfigSource(Map<String, String> values, Map<String, String> origins) {
    this.values = values;
    this.origins = origins;
  }

  /** Reads {@code file} (or the defaults bundled in the jar when null) and applies overrides from {@code env}. */
  public static ConfigSource load(Path file, Map<String, String> env) {
    JsonNode root = file == null ? readBundled() : readFile(file);
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    flatten("", root, values);
    String fileName = file == null ? "bundled conf/surge.json" : file.toString();
    for (String key : values.keySet()) {
      String envName = envName(key);
      String override = env.get(envName);
      if (override != null) {
        values.put(key, override);
        origins.put(key, envName);
      } else {
        origins.put(key, key + " in " + fileName);
      }
    }
    return new ConfigSource(values, origins);
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
    Map<String, String> v = new LinkedHashMap<>(values);
    Map<String, String> o = new LinkedHashMap<>(origins);
    v.put(key, value);
    o.put(key, origin);
    return new ConfigSource(v, o);
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
    return new ConfigException("invalid configuration " + origins.get(key) + "='" + Redaction.redact(value) + "': " + why);
  }

  private String require(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new ConfigException("configuration key '" + key + "' (" + envName(key) + ") has no default in conf/surge.json");
    }
    return value;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
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
