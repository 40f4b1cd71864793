package io.surge.node;

import io.surge.cache.RedisClients;
import io.surge.config.SurgeConfig;
import io.surge.db.Migrations;
import io.surge.db.Postgres;
import io.surge.ops.Drain;
import io.surge.ops.HealthRoutes;
import io.surge.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every role of one process shares: made once before any role starts, closed after every role stopped.
 * Every role needs Postgres (workers write events, HTTP roles look up API keys), so it is checked and migrated
 * here.
 */
public record SharedClients(Vertx vertx, SurgeConfig config, Metrics metrics, HealthRoutes health, Drain drain,
                            Pool pool, Redis redis) {
  private static final Logger LOG = LoggerFactory.getLogger(SharedClients.class);

  public static Future<SharedClients> start(Vertx vertx, SurgeConfig config, Metrics metrics) {
    Drain drain = new Drain();
    HealthRoutes health = new HealthRoutes(drain);
    SharedClients shared = new SharedClients(vertx, config, metrics, health, drain,
        Postgres.pool(vertx, config.pg().url(), config.pg().poolSize()), RedisClients.create(vertx, config.redis()));
    return Migrations.applyCreatingDatabase(vertx, config.pg().url(), shared.pool)
        .onSuccess(version -> LOG.info("postgres schema at version {}", version))
        .map(version -> {
          health.check("postgres", () -> shared.pool.query("SELECT 1").execute());
          return shared;
        })
        .recover(e -> shared.close().transform(v -> Future.failedFuture(new IllegalStateException(
            "Postgres at " + config.pg().url() + " is not usable: " + e.getMessage(), e))));
  }

  public Future<Void> close() {
    redis.close();
    return pool.close();
  }
}
