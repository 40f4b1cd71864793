package io.surge.pipeline;

import io.surge.pipeline.DeadLetters.Rejected;
import io.surge.pipeline.EventRecordDecoder.Decoded;
import io.surge.pipeline.EventWriter.Persisted;
import io.surge.tracing.PersistSpans;
import io.surge.tracing.Tracing;
import io.vertx.core.Future;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One consumer of the worker group, on its own thread (a Kafka consumer is single-threaded and its poll
 * blocks, so it never runs on an event loop): poll, decode, dead-letter what is invalid, persist the rest in
 * one statement, then commit. Offsets are committed only after Postgres (and the DLQ) has the whole batch.
 * While one batch is being inserted the thread polls and decodes the next, so decoding and Postgres overlap.
 *
 * <p>A failed batch is classified ({@link Failure}). An outage pauses every partition and retries with
 * exponential backoff, polling meanwhile so the consumer keeps its group membership; nothing goes to the DLQ
 * for a fault of ours. A data error splits the batch until the bad record is alone; it is dead-lettered with
 * the reason and the rest is persisted, so one poison record never stalls a partition. If the group rebalances
 * meanwhile, the batch is dropped and consumption restarts from the committed offsets: the unique key absorbs
 * what is read twice. {@link WorkerVerticle} supervises the loop.
 */
public final class EventWorker implements WorkerVerticle.Loop {
  private static final Logger LOG = LoggerFactory.getLogger(EventWorker.class);
  private static final long PERSIST_TIMEOUT_MS = 30_000;
  /** Tries of a failure that is neither clearly data nor clearly an outage, before it counts as data. */
  static final int UNKNOWN_FAILURE_TRIES = 5;

  private final Consumer<byte[], byte[]> consumer;
  private final Collection<String> topics;
  private final String eventsTopic;
  private final EventRecordDecoder decoder;
  private final DeadLetters deadLetters;
  private final EventWriter writer;
  private final CacheWriter cache;
  private final int backoffMinMs;
  private final int backoffMaxMs;
  private final WorkerStatus status;
  private final WorkerMeters meters;
  private final AutoCloseable consumerMetrics;
  /** Null when tracing is off: then a batch pays one test of this for tracing. */
  private final PersistSpans persistSpans;
  private volatile boolean running = true;
  private volatile boolean rebalanced;

  public EventWorker(Consumer<byte[], byte[]> consumer, Collection<String> topics, String eventsTopic,
                     EventRecordDecoder decoder, DeadLetters deadLetters, EventWriter writer, CacheWriter cache,
                     int backoffMinMs, int backoffMaxMs, WorkerStatus status, WorkerMeters meters, Tracing tracing) {
    this.consumer = consumer;
    this.topics = topics;
    this.eventsTopic = eventsTopic;
    this.decoder = decoder;
    this.deadLetters = deadLetters;
    this.writer = writer;
    this.cache = cache;
    this.backoffMinMs = backoffMinMs;
    this.backoffMaxMs = backoffMaxMs;
    this.status = status;
    this.meters = meters;
    this.consumerMetrics = meters.bind(consumer);
    this.persistSpans = tracing.persistSpans();
  }

  /** Stops after the batch in hand; {@link #run} then closes the consumer. */
  @Override
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(topics, new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          rebalanced = true;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          LOG.debug("assigned {}", partitions);
        }
      });
      InFlight inFlight = null;
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(inFlight == null ? 500 : 0));
        status.polled(records.count(), lag(), inFlight == null && records.isEmpty());
        Batch next = records.isEmpty() ? null : decode(records);
        if (inFlight != null && !finish(inFlight)) {
          inFlight = null; // dropped after a rebalance, or stopping: the committed offsets are where to resume
          status.holding(0);
          continue;
        }
        inFlight = next == null ? null : start(next);
      }
      if (inFlight != null && running) {
        finish(inFlight);
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } finally {
      // a graceful stop leaves the group at once, so the partitions move now rather than after the session timeout
      closeQuietly(consumerMetrics);
      consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
          .withTimeout(Duration.ofSeconds(5)));
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debug("closing the consumer's metrics: {}", e.toString());
    }
  }

  /** A record and the event it holds. */
  private record Entry(ConsumerRecord<byte[], byte[]> record, StoredEvent event) {}

  private record Batch(List<Entry> entries, List<Rejected> rejected, Map<TopicPartition, Long> lastOffsets) {
    List<StoredEvent> events() {
      return entries.stream().map(Entry::event).toList();
    }
  }

  /**
   * A batch whose dead letters and insert are under way while the thread polls and decodes the next one;
   * {@code traceStart}: when it started, if tracing is on.
   */
  private record InFlight(Batch batch, Future<List<Persisted>> result, Instant traceStart) {}

  private InFlight start(Batch batch) {
    rebalanced = false;
    status.holding(batch.entries().size() + batch.rejected().size());
    meters.batchSize.record(batch.entries().size() + batch.rejected().size());
    long started = System.nanoTime();
    Future<List<Persisted>> result = attempt(() -> deadLetters.send(batch.rejected())
        .compose(v -> writer.write(batch.events(), watermarks(batch))))
        .onSuccess(rows -> meters.insert.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    return new InFlight(batch, result, persistSpans == null ? null : persistSpans.start());
  }

  /** The age of each event at its commit, from the time Kafka appended its record (the accept time for ingest). */
  private void recordAges(Batch batch) {
    long now = System.currentTimeMillis();
    for (Entry e : batch.entries()) {
      meters.ageAtPersist.record(Math.max(0, now - e.record().timestamp()), TimeUnit.MILLISECONDS);
    }
  }

  /** Waits for the batch, recovering it on failure; commits it. False when it was dropped instead. */
  private boolean finish(InFlight inFlight) {
    Batch batch = inFlight.batch();
    List<Persisted> inserted;
    try {
      inserted = inFlight.result().await(PERSIST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception first) {
      LOG.warn("persisting a batch of {} records failed ({}); recovering it", batch.entries().size()
          + batch.rejected().size(), Failure.of(first).reason());
      inserted = recover(batch);
      if (inserted == null) {
        return false;
      }
    }
    status.persisted(inserted.size(), batch.rejected().size(), 0);
    status.holding(0);
    cache.update(inserted);
    commit(batch);
    recordAges(batch);
    if (persistSpans != null) {
      persistSpans.persisted(batch.entries().stream().map(Entry::record).toList(), inFlight.traceStart());
    }
    return true;
  }

  private Batch decode(ConsumerRecords<byte[], byte[]> records) {
    OffsetDateTime receivedAt = OffsetDateTime.now(ZoneOffset.UTC);
    List<Entry> entries = new ArrayList<>(records.count());
    List<Rejected> rejected = new ArrayList<>();
    Map<TopicPartition, Long> last = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Decoded decoded = decoder.decode(record, receivedAt);
      if (decoded.event() != null) {
        entries.add(new Entry(record, decoded.event()));
      } else {
        rejected.add(new Rejected(record, decoded.rejection()));
      }
      last.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::max);
    }
    return new Batch(entries, rejected, last);
  }

  /**
   * The slow path of a batch whose first attempt failed: the dead letters again, then the events, split on data
   * errors; then the watermark, which the pieces did not carry. Null when stopping or after a rebalance.
   */
  private List<Persisted> recover(Batch batch) {
    if (retrying(() -> deadLetters.send(batch.rejected()), true).aborted()) {
      return null;
    }
    List<Persisted> inserted = writeSplitting(batch.entries());
    if (inserted == null || retrying(() -> writer.announce(watermarks(batch)), true).aborted()) {
      return null;
    }
    return inserted;
  }

  /** Writes the entries; a data error halves them until the bad record is alone, and dead-letters that one. */
  private List<Persisted> writeSplitting(List<Entry> entries) {
    if (entries.isEmpty()) {
      return List.of();
    }
    List<StoredEvent> events = entries.stream().map(Entry::event).toList();
    Outcome<List<Persisted>> written = retrying(() -> writer.rewrite(events, ""), false);
    if (written.aborted()) {
      return null;
    }
    if (written.failure() == null) {
      return written.value();
    }
    if (entries.size() == 1) {
      Failure f = written.failure();
      Rejected rejected = new Rejected(entries.get(0).record(), f.reason(), f.sqlState());
      LOG.warn("dead-lettering {}-{}@{}: {}", rejected.record().topic(), rejected.record().partition(),
          rejected.record().offset(), f.reason());
      status.persisted(0, 0, 1);
      return retrying(() -> deadLetters.send(List.of(rejected)), true).aborted() ? null : List.of();
    }
    int half = entries.size() / 2;
    List<Persisted> left = writeSplitting(entries.subList(0, half));
    List<Persisted> right = left == null ? null : writeSplitting(entries.subList(half, entries.size()));
    if (right == null) {
      return null;
    }
    List<Persisted> all = new ArrayList<>(left);
    all.addAll(right);
    return all;
  }

  /** A value, a data failure (the caller decides what to do with the record), or aborted. */
  private record Outcome<T>(T value, Failure failure, boolean aborted) {}

  /**
   * Runs the attempt until it succeeds or fails for a reason of the data; outages pause every partition and
   * back off. {@code always}: data failures are retried too (dead letters must reach Kafka, whatever it takes).
   */
  private <T> Outcome<T> retrying(Supplier<Future<T>> attempt, boolean always) {
    long backoff = backoffMinMs;
    int unknown = 0;
    boolean paused = false;
    try {
      while (running) {
        if (rebalanced) {
          LOG.info("partitions were reassigned while recovering a batch; resuming from the committed offsets");
          rewindToCommitted();
          return new Outcome<>(null, null, true);
        }
        try {
          T value = attempt(attempt).await(PERSIST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
          if (paused) {
            LOG.info("persisting works again; resuming");
          }
          return new Outcome<>(value, null, false);
        } catch (Exception e) {
          Failure f = Failure.of(e);
          boolean data = f.kind() == Failure.Kind.DATA
              || f.kind() == Failure.Kind.UNKNOWN && ++unknown >= UNKNOWN_FAILURE_TRIES;
          if (data && !always) {
            return new Outcome<>(null, f, false);
          }
          if (!paused) {
            LOG.warn("{}; pausing and retrying with backoff", f.reason());
            consumer.pause(consumer.assignment());
            paused = true;
          }
          status.retried();
          consumer.poll(Duration.ofMillis(backoff)); // keeps the group membership; paused, so returns nothing
          backoff = Math.min(backoff * 2, backoffMaxMs);
        }
      }
      return new Outcome<>(null, null, true);
    } finally {
      if (paused) {
        consumer.resume(consumer.paused());
      }
    }
  }

  /** The attempt as a future, also when it throws before it has one (e.g. a value the client cannot encode). */
  private static <T> Future<T> attempt(Supplier<Future<T>> attempt) {
    try {
      return attempt.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** "partition:offset,..." for the events topic: the highest offset of each partition this batch covers. */
  private String watermarks(Batch batch) {
    Map<Integer, Long> byPartition = new TreeMap<>();
    batch.lastOffsets().forEach((tp, offset) -> {
      if (tp.topic().equals(eventsTopic)) {
        byPartition.put(tp.partition(), offset);
      }
    });
    return PersistedWatermark.format(eventsTopic, byPartition);
  }

  private void commit(Batch batch) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    batch.lastOffsets().forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset + 1)));
    // Async commits are sent in order; a failed one only means records are read again, and the unique key
    // absorbs them (the rows are in Postgres already).
    consumer.commitAsync(offsets, (committed, e) -> {
      if (e != null) {
        LOG.warn("offset commit failed (records will be re-read, duplicates are absorbed): {}", e.toString());
      }
    });
  }

  /** Records behind on this consumer's partitions, as far as the last fetch tells (no broker round trip). */
  private long lag() {
    long lag = 0;
    for (TopicPartition tp : consumer.assignment()) {
      lag += consumer.currentLag(tp).orElse(0);
    }
    return lag;
  }

  private void rewindToCommitted() {
    Set<TopicPartition> assignment = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assignment);
    for (TopicPartition tp : assignment) {
      OffsetAndMetadata offset = committed.get(tp);
      if (offset != null) {
        consumer.seek(tp, offset);
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
    rebalanced = false;
  }
}
