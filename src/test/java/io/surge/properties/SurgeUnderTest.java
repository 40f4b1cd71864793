package io.surge.properties;

import io.surge.SurgeNode;
import io.surge.config.SurgeConfig;
import io.surge.db.Postgres;
import io.surge.pipeline.DeadLetters;
import io.surge.testing.KafkaEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.surge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One in-process Surge node (roles ingest and worker, one Kafka ingress topic) and the means to learn what became
 * of an event sent to it: refused at the edge, persisted in Postgres, dead-lettered, or none of these in time.
 *
 * <p>A poison record stays in its topic and a stuck batch is retried forever, so a node that lost an event is
 * replaced by a fresh one (new topics, consumer group and database) before the next event: one bad event must not
 * make every later one fail, or shrinking would shrink towards whatever event came last.
 *
 * <p>Synchronized: jqwik shrinks on a thread of its own when shrinking is time-bounded, and a KafkaConsumer
 * must not be touched by two threads.
 */
final class SurgeUnderTest implements AutoCloseable {
  /** The four ways an event reaches Surge. */
  enum Mode { HTTP_STRUCTURED, HTTP_BINARY, KAFKA_STRUCTURED, KAFKA_BINARY }

  /** What became of an event. */
  sealed interface Fate {}

  record Refused(int status, String contentType, String body) implements Fate {}

  record Persisted(String id, String source, String type, String topic, int partition, long offset) implements Fate {}

  record DeadLettered(String reason) implements Fate {}

  /** Neither refused, persisted nor dead-lettered within the bound; {@code detail} says what was seen. */
  record Lost(String detail) implements Fate {}

  /** A Kafka record: where it lies, for looking it up in Postgres and in the DLQ. */
  private record Where(String topic, int partition, long offset) {
    String key() {
      return topic + "/" + partition + "/" + offset;
    }
  }

  private final String name;
  private final Vertx vertx = Vertx.vertx();
  private final KafkaProducer<byte[], byte[]> producer;
  private String topic;
  private String ingress;
  private SurgeConfig config;
  private SurgeNode node;
  private WebClient client;
  private Pool db;
  private KafkaConsumer<byte[], byte[]> dlq;
  private final Map<String, String> deadLetters = new HashMap<>();
  private boolean broken;
  private int restarts;

  private SurgeUnderTest(String name) {
    this.name = name;
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaEngine.bootstrap(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  static SurgeUnderTest start(String name) {
    SurgeUnderTest surge = new SurgeUnderTest(name);
    surge.startNode();
    return surge;
  }

  private void startNode() {
    topic = TestSurge.uniqueTopic(name);
    ingress = topic + ".in";
    KafkaEngine.createTopics(3, ingress);
    config = TestSurge.config(KafkaEngine.bootstrap(), topic, Map.of(
        "SURGE_ROLES", "ingest,worker",
        "SURGE_PIPELINE_INGRESS_TOPICS", ingress));
    node = await(SurgeNode.start(config), 60);
    // one connection per request: a connection the server closed after an answer is never reused by mistake
    client = WebClientSession.create(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(node.httpPort()).setKeepAlive(false))).addHeader("Authorization", "Bearer " + TestSurge.BOOTSTRAP_KEY);
    db = Postgres.pool(vertx, config.pg().url(), 2);
    dlq = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaEngine.bootstrap(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : dlq.partitionsFor(config.pipeline().dlqTopic(), Duration.ofSeconds(10))) {
      partitions.add(new TopicPartition(p.topic(), p.partition()));
    }
    dlq.assign(partitions);
    dlq.seekToBeginning(partitions);
    deadLetters.clear();
    broken = false;
  }

  private void stopNode() {
    dlq.close();
    await(db.close(), 10);
    client.close();
    try {
      await(node.stop(), 30);
    } catch (Exception e) {
      System.err.println("stopping a broken node: " + e);
    }
  }

  /** Replaces the node when the last event was lost (a dead worker, a batch retried forever). */
  synchronized void replaceIfBroken() {
    if (broken) {
      restarts++;
      stopNode();
      startNode();
    }
  }

  int restarts() {
    return restarts;
  }

  String topic() {
    return topic;
  }

  @Override
  public synchronized void close() {
    stopNode();
    producer.close(Duration.ofSeconds(5));
    await(vertx.close(), 10);
  }

  // --- sending

  /** Sends the event (its id made unique) and waits up to {@code within} for its fate. */
  synchronized Fate send(Mode mode, GeneratedEvent event, Duration within) {
    GeneratedEvent unique = event.withUniqueId(UUID.randomUUID().toString().substring(0, 8));
    Fate fate = switch (mode) {
      case HTTP_STRUCTURED, HTTP_BINARY -> post(mode, unique, within);
      case KAFKA_STRUCTURED, KAFKA_BINARY -> fateOf(produce(mode, unique), within);
    };
    if (fate instanceof Lost) {
      broken = true;
    }
    return fate;
  }

  private Fate post(Mode mode, GeneratedEvent event, Duration within) {
    HttpRequest<Buffer> request = client.post("/v1/events").timeout(10_000);
    Buffer body;
    if (mode == Mode.HTTP_STRUCTURED) {
      request.putHeader("Content-Type", "application/cloudevents+json");
      body = Buffer.buffer(event.structured());
    } else {
      event.httpHeaders().forEach(request::putHeader);
      body = Buffer.buffer(event.binaryBody());
    }
    HttpResponse<Buffer> response;
    try {
      response = request.sendBuffer(body).await();
    } catch (Exception e) {
      return new Lost("the POST itself failed: " + e);
    }
    if (response.statusCode() != 202) {
      return new Refused(response.statusCode(), response.getHeader("Content-Type"), response.bodyAsString());
    }
    JsonArray accepted = response.bodyAsJsonObject().getJsonArray("accepted");
    JsonObject first = accepted.getJsonObject(0);
    return fateOf(new Where(topic, first.getInteger("partition"), first.getLong("offset")), within);
  }

  private Where produce(Mode mode, GeneratedEvent event) {
    List<Header> headers = new ArrayList<>();
    byte[] value;
    if (mode == Mode.KAFKA_STRUCTURED) {
      headers.add(new RecordHeader("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8)));
      value = event.structured();
    } else {
      event.kafkaHeaders().forEach((k, v) -> headers.add(new RecordHeader(k, v)));
      byte[] body = event.binaryBody();
      value = body.length == 0 ? null : body;
    }
    try {
      RecordMetadata m = producer.send(new ProducerRecord<>(ingress, null, (byte[]) null, value, headers)).get(10, TimeUnit.SECONDS);
      return new Where(m.topic(), m.partition(), m.offset());
    } catch (Exception e) {
      throw new AssertionError("cannot produce to " + ingress, e);
    }
  }

  /**
   * Polls Postgres (by the record's topic, partition and offset) and the DLQ until one has it; Lost after
   * {@code within}, or as soon as every worker thread died and the DLQ, read to its end, does not have it.
   */
  private Fate fateOf(Where where, Duration within) {
    try {
      return eventually(within, () -> {
        Fate found = found(where);
        if (found != null) {
          return found;
        }
        if (workersAlive() == 0) {
          // a worker thread that died takes its partitions to the others, which meet the same record and die too;
          // nothing writes any more, so what Postgres and the whole DLQ hold now is final
          readDeadLettersToEnd();
          found = found(where);
          return found != null ? found : new Lost("every worker thread died (record " + where.key() + ")");
        }
        throw new AssertionError("not yet persisted or dead-lettered");
      });
    } catch (AssertionError e) {
      return new Lost("record " + where.key() + " neither in Postgres nor in the DLQ (" + e.getMessage()
          + "); worker threads alive: " + workersAlive());
    }
  }

  /** The record's row or dead letter, or null while neither exists. */
  private Fate found(Where where) {
    Persisted row = row(where);
    if (row != null) {
      return row;
    }
    String reason = deadLetter(where);
    return reason == null ? null : new DeadLettered(reason);
  }

  private void readDeadLettersToEnd() {
    Map<TopicPartition, Long> end = dlq.endOffsets(dlq.assignment(), Duration.ofSeconds(10));
    eventually(Duration.ofSeconds(10), () -> {
      pollDeadLetters();
      end.forEach((tp, offset) -> assertTrue(dlq.position(tp) >= offset, "DLQ read up to " + tp + "@" + offset));
    });
  }

  private Persisted row(Where where) {
    RowIterator<Row> rows = await(db.preparedQuery("SELECT id, source, type FROM events WHERE tenant = 'default' "
            + "AND kafka_topic = $1 AND kafka_partition = $2 AND kafka_offset = $3")
        .execute(Tuple.of(where.topic(), where.partition(), where.offset())), 10).iterator();
    if (!rows.hasNext()) {
      return null;
    }
    Row r = rows.next();
    return new Persisted(r.getString(0), r.getString(1), r.getString(2), where.topic(), where.partition(), where.offset());
  }

  /** Reads what arrived in the DLQ since the last look (about 75 ms); the reason for the record, or null. */
  private String deadLetter(Where where) {
    pollDeadLetters();
    return deadLetters.get(where.key());
  }

  private void pollDeadLetters() {
    for (ConsumerRecord<byte[], byte[]> r : dlq.poll(Duration.ofMillis(75))) {
      Header t = r.headers().lastHeader(DeadLetters.TOPIC);
      Header p = r.headers().lastHeader(DeadLetters.PARTITION);
      Header o = r.headers().lastHeader(DeadLetters.OFFSET);
      Header reason = r.headers().lastHeader(DeadLetters.REASON);
      if (t != null && p != null && o != null) {
        deadLetters.put(utf8(t) + "/" + utf8(p) + "/" + utf8(o), reason == null ? "" : utf8(reason));
      }
    }
  }

  /** Worker threads of this JVM still running (test JVMs run one node at a time). */
  static long workersAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("surge-worker-") && t.isAlive()).count();
  }

  private static <T> T await(io.vertx.core.Future<T> future, int seconds) {
    try {
      return future.await(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + seconds + " s", e);
    }
  }

  private static String utf8(Header h) {
    return new String(h.value(), StandardCharsets.UTF_8);
  }
}
