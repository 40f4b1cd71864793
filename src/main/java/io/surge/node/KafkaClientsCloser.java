package io.surge.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/** Closes Kafka clients off the event loop (a producer's close flushes what it still holds, and blocks). */
final class KafkaClientsCloser {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaClientsCloser.class);

  private KafkaClientsCloser() {}

  static Future<Void> close(Vertx vertx, List<? extends AutoCloseable> clients) {
    return vertx.executeBlocking(() -> {
      clients.forEach(KafkaClientsCloser::closeQuietly);
      return null;
    });
  }

  private static void closeQuietly(AutoCloseable client) {
    try {
      if (client instanceof Producer<?, ?> producer) {
        producer.close(Duration.ofSeconds(10));
      } else if (client instanceof Admin admin) {
        admin.close(Duration.ofSeconds(5));
      } else {
        client.close();
      }
    } catch (Exception e) {
      LOG.warn("closing {} failed: {}", client.getClass().getSimpleName(), e.toString());
    }
  }
}
