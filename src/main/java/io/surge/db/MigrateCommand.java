package io.surge.db;

import io.surge.config.ConfigException;
import io.surge.config.ConfigFileOption;
import io.surge.config.Redaction;
import io.surge.config.SurgeConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code surge migrate}: creates the database when missing, applies the schema and exits, for an init container
 * or a deploy step ahead of the nodes. 0 when the schema is current, 1 (one line on stderr) when it cannot be,
 * 2 on bad configuration.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Apply the database schema and exit (for an init container or a deploy step).")
public final class MigrateCommand implements Callable<Integer> {
  @Mixin
  ConfigFileOption config;

  @Option(names = "--pg-url", description = "PostgreSQL URL (default: SURGE_PG_URL or the configuration's pg.url).")
  String pgUrl;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    String url;
    try {
      String configured = SurgeConfig.load(config.path, null, System.getenv()).pg().url();
      url = pgUrl != null ? pgUrl : configured;
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("surge: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Postgres.pool(vertx, url, 1);
      int version = Migrations.applyCreatingDatabase(vertx, url, pool)
          .eventually(pool::close)
          .await(2, TimeUnit.MINUTES);
      spec.commandLine().getOut().println("surge migrate: schema at version " + version + " in " + Redaction.redact(url));
      return 0;
    } catch (Exception e) {
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      spec.commandLine().getErr().println("surge migrate: " + Redaction.redact(why));
      return 1;
    } finally {
      vertx.close().await();
    }
  }
}
