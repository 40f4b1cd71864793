package io.surge.cache;

import io.surge.config.SurgeConfig.RedisConfig;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The Redis client's options from the configuration: TLS for rediss:// only, never trust-all. */
class RedisClientsTest {

  @Test
  void redissChecksTheServerAgainstTheCaFileAndItsHostName() {
    RedisOptions options = RedisClients.options(config("rediss://:pw@cache.example:6380", "/etc/surge/redis-ca.pem"));

    assertEquals("rediss://:pw@cache.example:6380", options.getEndpoint());
    assertFalse(options.getNetClientOptions().isTrustAll());
    assertEquals("HTTPS", options.getNetClientOptions().getHostnameVerificationAlgorithm());
    assertEquals(List.of("/etc/surge/redis-ca.pem"),
        ((PemTrustOptions) options.getNetClientOptions().getTrustOptions()).getCertPaths());
  }

  @Test
  void redissWithoutACaFileTrustsWhatTheJvmTrusts() {
    RedisOptions options = RedisClients.options(config("rediss://cache.example:6380", null));

    assertNull(options.getNetClientOptions().getTrustOptions());
    assertFalse(options.getNetClientOptions().isTrustAll());
    assertEquals("HTTPS", options.getNetClientOptions().getHostnameVerificationAlgorithm());
  }

  @Test
  void plainRedisHasNoTls() {
    RedisOptions options = RedisClients.options(config("redis://127.0.0.1:6379", null));

    assertFalse(options.getNetClientOptions().isSsl());
    assertNull(options.getNetClientOptions().getTrustOptions());
    assertEquals(8, options.getMaxPoolSize());
  }

  private static RedisConfig config(String url, String ca) {
    return new RedisConfig(url, "surge:", 60, 10, 600, ca);
  }
}
