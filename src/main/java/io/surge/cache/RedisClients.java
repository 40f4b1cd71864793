package io.surge.cache;

import io.surge.config.SurgeConfig.RedisConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** The Redis client Surge uses, TLS included for {@code rediss://} URLs. */
public final class RedisClients {
  private RedisClients() {}

  public static Redis create(Vertx vertx, RedisConfig config) {
    return Redis.createClient(vertx, options(config));
  }

  /**
   * A {@code rediss://} server must present a certificate for its host name, signed by {@code tlsCaPath} (a PEM
   * file) or by a CA the JVM trusts; never trust-all.
   */
  static RedisOptions options(RedisConfig config) {
    NetClientOptions net = new NetClientOptions();
    if (config.url().startsWith("rediss://")) {
      net.setHostnameVerificationAlgorithm("HTTPS").setTrustAll(false);
      if (config.tlsCaPath() != null) {
        net.setTrustOptions(new PemTrustOptions().addCertPath(config.tlsCaPath()));
      }
    }
    // a fixed pool name: the vertx_pool_* series keep their labels across restarts (the default is a random UUID)
    return new RedisOptions().setConnectionString(config.url()).setNetClientOptions(net)
        .setMaxPoolSize(8).setMaxPoolWaiting(1024).setPoolName("surge-redis");
  }
}
