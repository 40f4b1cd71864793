package io.surge.db;

import io.surge.config.ConfigFileOption;
import io.surge.config.SurgeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * What the commands that work on the database share (a picocli mixin): {@code --config} and {@code --pg-url},
 * and one run against the migrated database with a Vert.x of its own.
 */
public final class DatabaseOptions {
  @Mixin
  ConfigFileOption config;

  @Option(names = "--pg-url", description = "PostgreSQL URL (default: SURGE_PG_URL or the configuration's pg.url).")
  String pgUrl;

  /**
   * {@code --pg-url}, else the configuration's {@code pg.url}; the configuration is read either way, so a bad one
   * is refused (a {@link io.surge.config.ConfigException}) even when the URL is given.
   */
  public String url() {
    String configured = SurgeConfig.load(config.path, null, System.getenv()).pg().url();
    return pgUrl != null ? pgUrl : configured;
  }

  /**
   * Creates the database {@code url} names when missing, applies the schema, then runs {@code action} with a
   * one-connection pool and the schema version; waits up to {@code timeout} and closes everything.
   */
  public static <T> T onMigrated(String url, Duration timeout, BiFunction<Pool, Integer, Future<T>> action)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Postgres.pool(vertx, url, 1);
      return Migrations.applyCreatingDatabase(vertx, url, pool)
          .compose(version -> action.apply(pool, version))
          .eventually(pool::close)
          .await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      vertx.close().await();
    }
  }
}
