package io.surge.db;

import io.surge.config.ConfigException;
import io.surge.config.Redaction;
import io.vertx.core.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code surge migrate}: creates the database when missing, applies the schema and exits, for an init container
 * or a deploy step ahead of the nodes. 0 when the schema is current, 1 (one line on stderr) when it cannot be,
 * 2 on bad configuration.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Apply the database schema and exit (for an init container or a deploy step).")
public final class MigrateCommand implements Callable<Integer> {
  @Mixin
  DatabaseOptions database;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    String url;
    try {
      url = database.url();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("surge: " + e.getMessage());
      return 2;
    }
    try {
      int version = DatabaseOptions.onMigrated(url, Duration.ofMinutes(2),
          (pool, schema) -> Future.succeededFuture(schema));
      spec.commandLine().getOut().println("surge migrate: schema at version " + version + " in " + Redaction.redact(url));
      return 0;
    } catch (Exception e) {
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      spec.commandLine().getErr().println("surge migrate: " + Redaction.redact(why));
      return 1;
    }
  }
}
