package io.surge.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.surge.dev.EmbeddedKafka;
import io.surge.dev.FreePorts;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place integration tests get Kafka: the broker named by {@code SURGE_KAFKA_BOOTSTRAP} (or system
 * property {@code surge.kafka.bootstrap}) when set, else one in-process 4.3.1 broker shared by the whole test JVM.
 * The in-process broker also has a SASL_PLAINTEXT listener taking SCRAM-SHA-256 and SCRAM-SHA-512
 * ({@link #scramBootstrap}), for tests of authenticated clients; every other test uses the PLAINTEXT one.
 */
public final class KafkaEngine implements BeforeAllCallback {
  private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
  private static String bootstrap;
  private static String scramBootstrap;

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

  /** The SASL_PLAINTEXT (SCRAM) listener of the in-process broker, or null when the tests use an external one. */
  public static synchronized String scramBootstrap() {
    bootstrap();
    return scramBootstrap;
  }

  /** Gives {@code user} both SCRAM credentials (SHA-256 and SHA-512) with {@code password}. */
  public static void createScramUser(String user, String password) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      // one request may alter a user's credentials once only
      for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
        admin.alterUserScramCredentials(List.of(
            new UserScramCredentialUpsertion(user, new ScramCredentialInfo(mechanism, 4096), password))).all().get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create SCRAM user " + user, e);
    }
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
      String scram = "127.0.0.1:" + FreePorts.pick();
      Properties sasl = new Properties();
      sasl.put("listeners", "SASL_PLAINTEXT://" + scram);
      sasl.put("advertised.listeners", "SASL_PLAINTEXT://" + scram);
      sasl.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT");
      sasl.put("sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512");
      sasl.put("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config", SCRAM_LOGIN);
      sasl.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", SCRAM_LOGIN);
      EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, sasl);
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
      scramBootstrap = scram;
      return kafka.bootstrap();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
