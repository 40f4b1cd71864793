package io.surge.config;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --config} option of the commands that read the configuration (a picocli mixin). */
public final class ConfigFileOption {
  @Option(names = "--config", description = "Configuration file layered over the built-in defaults "
      + "(default: SURGE_CONFIG, else ./conf/surge.json when present).")
  public Path path;
}
