package io.surge.testing;

import io.surge.dev.EmbeddedKafka;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place integration tests get Kafka: the broker named by {@code SURGE_KAFKA_BOOTSTRAP} (or system
 * property {@code surge.kafka.bootstrap}) when set, else one in-process 4.3.1 broker shared by the whole test JVM.
 */
public final class KafkaEngine implements BeforeAllCallback {
  private static String bootstrap;

  @Override
  public void beforeAll(ExtensionContext context) {
    bootstrap();
  }

  public static synchronized String bootstrap() {
    if (bootstrap == null) {
      String external = System.getProperty("surge.kafka.bootstrap", System.getenv("SURGE_KAFKA_BOOTSTRAP"));
      bootstrap = external != null ? external : startEmbedded();
    }
    return bootstrap;
  }

  /** A broker of the caller's own, for tests that stop and restart it. */
  public static EmbeddedKafka startPrivate() {
    try {
      return EmbeddedKafka.start(Files.createTempDirectory("surge-kafka-private"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String startEmbedded() {
    try {
      Path dir = Files.createTempDirectory("surge-kafka-test");
      EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
      return kafka.bootstrap();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
