package io.surge.pipeline;

import io.surge.pipeline.DeadLetters.Rejected;
import io.surge.pipeline.EventRecordDecoder.Decoded;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One consumer of the worker group, on its own thread (a Kafka consumer is single-threaded and its poll
 * blocks, so it never runs on an event loop): poll, decode, dead-letter what is invalid, persist the rest in
 * one statement, then commit. Offsets are committed only after Postgres (and the DLQ) has the whole batch.
 * While one batch is being inserted the thread polls and decodes the next, so decoding and Postgres overlap;
 * batches are still inserted and committed one at a time, in order.
 *
 * <p>A transient fault (Postgres or Kafka down, a timeout) pauses every partition and retries the same batch
 * with exponential backoff, polling meanwhile so the consumer keeps its group membership. Nothing is skipped
 * and nothing goes to the DLQ for a fault of ours. If the group rebalances meanwhile, the batch is dropped and
 * consumption restarts from the committed offsets: the unique key absorbs what is read twice.
 */
public final class EventWorker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(EventWorker.class);
  private static final long PERSIST_TIMEOUT_MS = 30_000;

  private final Consumer<byte[], byte[]> consumer;
  private final Collection<String> topics;
  private final String eventsTopic;
  private final EventRecordDecoder decoder;
  private final DeadLetters deadLetters;
  private final EventWriter writer;
  private final CacheWriter cache;
  private final int backoffMinMs;
  private final int backoffMaxMs;
  private final AtomicLong persisted = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private volatile boolean running = true;
  private volatile boolean rebalanced;

  public EventWorker(Consumer<byte[], byte[]> consumer, Collection<String> topics, String eventsTopic,
                     EventRecordDecoder decoder, DeadLetters deadLetters, EventWriter writer, CacheWriter cache,
                     int backoffMinMs, int backoffMaxMs) {
    this.consumer = consumer;
    this.topics = topics;
    this.eventsTopic = eventsTopic;
    this.decoder = decoder;
    this.deadLetters = deadLetters;
    this.writer = writer;
    this.cache = cache;
    this.backoffMinMs = backoffMinMs;
    this.backoffMaxMs = backoffMaxMs;
  }

  /** Events inserted (duplicates not counted) and records sent to the DLQ since start. */
  public long persistedCount() {
    return persisted.get();
  }

  public long deadLetteredCount() {
    return deadLettered.get();
  }

  /** Stops after the batch in hand; {@link #run} then closes the consumer. */
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
        Batch next = records.isEmpty() ? null : decode(records);
        if (inFlight != null && !finish(inFlight)) {
          inFlight = null; // dropped after a rebalance, or stopping: the committed offsets are where to resume
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
    } catch (RuntimeException e) {
      LOG.error("worker stopped on an unexpected error", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private record Batch(List<StoredEvent> events, List<Rejected> rejected, Map<TopicPartition, Long> lastOffsets) {}

  /** A batch whose dead letters and insert are under way while the thread polls and decodes the next one. */
  private record InFlight(Batch batch, CompletableFuture<List<EventWriter.Persisted>> result) {}

  private InFlight start(Batch batch) {
    rebalanced = false;
    return new InFlight(batch, persistAsync(batch));
  }

  /** Waits for the batch, retrying it on failure; commits it. False when it was dropped instead. */
  private boolean finish(InFlight inFlight) {
    List<EventWriter.Persisted> inserted;
    try {
      inserted = inFlight.result().get(PERSIST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception first) {
      inserted = persistWithRetry(inFlight.batch(), first);
      if (inserted == null) {
        return false;
      }
    }
    persisted.addAndGet(inserted.size());
    deadLettered.addAndGet(inFlight.batch().rejected().size());
    cache.update(inserted);
    commit(inFlight.batch());
    return true;
  }

  private Batch decode(ConsumerRecords<byte[], byte[]> records) {
    OffsetDateTime receivedAt = OffsetDateTime.now(ZoneOffset.UTC);
    List<StoredEvent> events = new ArrayList<>(records.count());
    List<Rejected> rejected = new ArrayList<>();
    Map<TopicPartition, Long> last = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Decoded decoded = decoder.decode(record, receivedAt);
      if (decoded.event() != null) {
        events.add(decoded.event());
      } else {
        rejected.add(new Rejected(record, decoded.rejection()));
      }
      last.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::max);
    }
    return new Batch(events, rejected, last);
  }

  /**
   * Retries a failed batch until it is in Postgres and the DLQ; null when stopping or after a rebalance (then
   * every partition is rewound to its committed offset).
   */
  private List<EventWriter.Persisted> persistWithRetry(Batch batch, Exception first) {
    LOG.warn("persisting a batch of {} records failed, pausing and retrying: {}",
        batch.events().size() + batch.rejected().size(), rootMessage(first));
    Set<TopicPartition> paused = consumer.assignment();
    consumer.pause(paused);
    long backoff = backoffMinMs;
    try {
      while (running) {
        consumer.poll(Duration.ofMillis(backoff)); // keeps the group membership; paused, so returns nothing
        if (rebalanced) {
          LOG.info("partitions were reassigned while retrying; resuming from the committed offsets");
          rewindToCommitted();
          return null;
        }
        try {
          List<EventWriter.Persisted> inserted = persistAsync(batch).get(PERSIST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
          LOG.info("persisting works again; resuming");
          return inserted;
        } catch (Exception e) {
          backoff = Math.min(backoff * 2, backoffMaxMs);
        }
      }
      return null;
    } finally {
      consumer.resume(consumer.paused());
    }
  }

  /** Dead letters first (acks=all), then the insert: offsets are committed only once both are done. */
  private CompletableFuture<List<EventWriter.Persisted>> persistAsync(Batch batch) {
    CompletableFuture<Void> dead = batch.rejected().isEmpty()
        ? CompletableFuture.completedFuture(null) : deadLetters.send(batch.rejected());
    return dead.thenCompose(v -> writer.write(batch.events(), watermarks(batch)).toCompletionStage());
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
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
