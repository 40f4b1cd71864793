package io.surge.ingest;

import io.surge.db.Postgres;
import io.surge.pipeline.EventWriter;
import io.surge.pipeline.PersistedWatermark;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Read-your-writes for ingest: listens (Postgres LISTEN) to the persisted-offset watermarks that workers in
 * any process publish when a batch commits, and completes each waiting request once every partition it wrote
 * to has a watermark at or past its offsets. No polling: a request waits on a promise and a timer.
 */
public final class PersistedWaits {
  private static final Logger LOG = LoggerFactory.getLogger(PersistedWaits.class);
  private static final long RECONNECT_MS = 1000;

  private final Vertx vertx;
  private final String topic;
  private final String pgUrl;
  private volatile PgSubscriber subscriber;
  private final Map<Integer, Long> watermarks = new HashMap<>(); // guarded by this
  private final List<Waiter> waiters = new ArrayList<>();       // guarded by this
  private volatile boolean closed;

  private PersistedWaits(Vertx vertx, String pgUrl, String topic) {
    this.vertx = vertx;
    this.topic = topic;
    this.pgUrl = pgUrl;
  }

  /** Starts listening in the background: ingest does not need Postgres to start, only to honour waits. */
  public static PersistedWaits start(Vertx vertx, String pgUrl, String topic) {
    PersistedWaits waits = new PersistedWaits(vertx, pgUrl, topic);
    waits.connect();
    return waits;
  }

  /** A fresh subscriber per attempt until one connects; from then on its reconnect policy takes over. */
  private void connect() {
    if (closed) {
      return;
    }
    PgSubscriber attempt = PgSubscriber.subscriber(vertx, Postgres.options(pgUrl));
    attempt.reconnectPolicy(retries -> closed ? -1L : RECONNECT_MS);
    attempt.channel(EventWriter.CHANNEL).handler(this::onWatermark);
    subscriber = attempt;
    attempt.connect()
        .onSuccess(v -> LOG.debug("listening for persisted watermarks"))
        .onFailure(e -> {
          LOG.debug("cannot listen for watermarks yet: {}", e.toString());
          attempt.close();
          vertx.setTimer(RECONNECT_MS, id -> connect());
        });
  }

  /** True once Postgres has every event at these positions; false when {@code timeoutMs} passes first. */
  public Future<Boolean> await(List<RecordMetadata> positions, long timeoutMs) {
    Map<Integer, Long> needed = new HashMap<>();
    for (RecordMetadata m : positions) {
      needed.merge(m.partition(), m.offset(), Math::max);
    }
    Context context = vertx.getOrCreateContext();
    Waiter waiter = new Waiter(needed, Promise.promise(), context);
    synchronized (this) {
      if (waiter.satisfiedBy(watermarks)) {
        return Future.succeededFuture(true);
      }
      waiters.add(waiter);
    }
    long timer = vertx.setTimer(timeoutMs, id -> {
      boolean removed;
      synchronized (this) {
        removed = waiters.remove(waiter);
      }
      if (removed) {
        waiter.promise().tryComplete(false);
      }
    });
    return waiter.promise().future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private void onWatermark(String payload) {
    Map<Integer, Long> offsets = PersistedWatermark.parse(payload, topic);
    if (offsets.isEmpty()) {
      return;
    }
    List<Waiter> done = new ArrayList<>();
    synchronized (this) {
      offsets.forEach((p, o) -> watermarks.merge(p, o, Math::max));
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.satisfiedBy(watermarks)) {
          it.remove();
          done.add(w);
        }
      }
    }
    done.forEach(w -> w.context().runOnContext(v -> w.promise().tryComplete(true)));
  }

  public Future<Void> close() {
    closed = true;
    return subscriber.close();
  }

  private record Waiter(Map<Integer, Long> needed, Promise<Boolean> promise, Context context) {
    boolean satisfiedBy(Map<Integer, Long> watermarks) {
      for (Map.Entry<Integer, Long> e : needed.entrySet()) {
        Long mark = watermarks.get(e.getKey());
        if (mark == null || mark < e.getValue()) {
          return false;
        }
      }
      return true;
    }
  }
}
