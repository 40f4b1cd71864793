package io.surge.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import java.util.Arrays;
import java.util.Map;

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

  /** Creates topics as another system would (Surge consumes them but does not own them). */
  public static void createTopics(int partitions, String... topics) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      admin.createTopics(Arrays.stream(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList()).all().get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create " + Arrays.toString(topics), e);
    }
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
