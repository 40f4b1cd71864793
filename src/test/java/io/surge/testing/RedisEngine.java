package io.surge.testing;

import io.surge.dev.FreePorts;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * The one place integration tests get Redis: the server named by {@code SURGE_REDIS_URL} when set, else one
 * embedded server shared by the test JVM. Tests keep apart by a key prefix of their own.
 */
public final class RedisEngine {
  private static String url;

  private RedisEngine() {}

  public static synchronized String url() {
    if (url == null) {
      String external = System.getenv("SURGE_REDIS_URL");
      if (external != null && !external.isBlank()) {
        url = external;
      } else {
        Private shared = startPrivate();
        Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        url = shared.url();
      }
    }
    return url;
  }

  public static String uniquePrefix() {
    return "it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /** A server of the caller's own, for tests that stop and restart it (it keeps nothing on disk). */
  public static Private startPrivate() {
    Private redis = new Private(FreePorts.pick());
    redis.start();
    return redis;
  }

  public static final class Private {
    private final int port;
    private RedisServer server;

    Private(int port) {
      this.port = port;
    }

    public String url() {
      return "redis://127.0.0.1:" + port;
    }

    public synchronized void start() {
      try {
        server = RedisServer.newRedisServer().bind("127.0.0.1").port(port)
            .setting("save \"\"").setting("appendonly no").build();
        server.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public synchronized void stop() {
      try {
        if (server != null) {
          server.stop();
          server = null;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
