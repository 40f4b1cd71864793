package io.surge.config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code surge config}: the effective configuration, one {@code key = value  (origin)} a line, sorted, secrets
 * hidden, so an operator sees which layer each value came from. Exits 2 when the configuration would not start.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print the effective configuration (key = value  (origin)), secrets hidden.")
public final class ConfigCommand implements Callable<Integer> {
  @Mixin
  ConfigFileOption config;

  @Option(names = "--roles", description = "Comma-separated roles: ingest, worker, query.")
  String roles;

  @Spec
  CommandSpec spec;

  Map<String, String> env = System.getenv();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ConfigSource source = SurgeConfig.source(config.path, roles, env);
      source.entries().forEach((key, value) -> out.println(line(key, value)));
      out.flush();
      SurgeConfig.from(source);
      return 0;
    } catch (ConfigException e) {
      err.println("surge: " + e.getMessage());
      return 2;
    }
  }

  static String line(String key, ConfigSource.Value value) {
    String shown = Redaction.shown(key, value.value());
    return key + " = " + (shown.isEmpty() ? "\"\"" : shown) + "  (" + value.origin() + ")";
  }
}
