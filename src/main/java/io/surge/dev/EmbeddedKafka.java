package io.surge.dev;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) running inside this JVM, from Maven jars.
 * Data lives in {@code dir}; a second start on the same folder reuses it.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final String CLUSTER_ID = "c3VyZ2UtZGV2LWNsdXN0ZXI";

  /** Server properties whose value is a list: an extra value is added to the broker's own. */
  private static final Set<String> LISTS = Set.of("listeners", "advertised.listeners", "listener.security.protocol.map");

  private final Path dir;
  private final int brokerPort;
  private final int controllerPort;
  private final Properties extra;
  private KafkaRaftServer server;

  private EmbeddedKafka(Path dir, int brokerPort, int controllerPort, Properties extra) {
    this.dir = dir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.extra = extra;
  }

  /** Starts a broker on the given port (0 picks a free one), formatting {@code dir} on first use. */
  public static EmbeddedKafka start(Path dir, int brokerPort) throws IOException {
    return start(dir, brokerPort, new Properties());
  }

  /**
   * Like {@link #start(Path, int)}, with {@code extra} server properties; {@code listeners} and the other list
   * properties in them add to the PLAINTEXT listener (a SASL listener beside it, say).
   */
  public static EmbeddedKafka start(Path dir, int brokerPort, Properties extra) throws IOException {
    EmbeddedKafka kafka = new EmbeddedKafka(dir, brokerPort == 0 ? FreePorts.pick() : brokerPort, FreePorts.pick(), extra);
    kafka.startServer();
    return kafka;
  }

  /** A broker alone, for benchmarks: {@code java ... EmbeddedKafka <dir> [port]}; prints its bootstrap address. */
  public static void main(String[] args) throws Exception {
    EmbeddedKafka kafka = start(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 0);
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
    System.out.println("kafka bootstrap " + kafka.bootstrap());
    Thread.currentThread().join();
  }

  public String bootstrap() {
    return "127.0.0.1:" + brokerPort;
  }

  /** Stops the broker and keeps its data. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts the broker again on the same port and data. */
  public synchronized void restart() throws IOException {
    stop();
    startServer();
  }

  @Override
  public void close() {
    stop();
  }

  private synchronized void startServer() throws IOException {
    Path logs = dir.resolve("logs");
    Properties props = serverProperties(logs);
    if (!Files.exists(logs.resolve("meta.properties"))) {
      format(props);
    }
    server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    server.startup();
  }

  private Properties serverProperties(Path logs) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logs.toString());
    p.put("num.partitions", "1");
    // A single broker: every internal topic must fit on it or consumers and producers hang.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    extra.stringPropertyNames().forEach(name ->
        p.put(name, LISTS.contains(name) ? p.getProperty(name) + "," + extra.getProperty(name) : extra.getProperty(name)));
    return p;
  }

  private static void format(Properties props) throws IOException {
    Files.createDirectories(Path.of(props.getProperty("log.dirs")));
    Path config = Files.createTempFile("surge-kafka", ".properties");
    try (Writer out = Files.newBufferedWriter(config)) {
      props.store(out, "surge dev broker");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc = StorageTool.execute(
        new String[] {"format", "-t", CLUSTER_ID, "-c", config.toString(), "--ignore-formatted"},
        new PrintStream(output, true, StandardCharsets.UTF_8));
    Files.deleteIfExists(config);
    if (rc != 0) {
      throw new IOException("formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8));
    }
  }
}
