package io.surge.drills;

import io.surge.drills.Ledger.EventKey;
import io.surge.testing.TestSurge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client fleet in miniature: sends {@code events} single CloudEvents at {@code perSecond}, round-robin over
 * the ingest ports, and retries each one (same id, next port) until it gets a 202, as a client that wants
 * at-least-once must. Every 202 goes into the ledger; every failed attempt is counted by its kind.
 */
final class Load {
  private static final int MAX_INFLIGHT = 256;
  private static final long RETRY_MS = 200;
  private static final long GIVE_UP_NANOS = 150_000_000_000L;

  record Failure(long nanos, String kind) {}

  private final Vertx vertx;
  private final Context context;
  private final WebClient client;
  private final List<Integer> ports;
  private final java.util.Set<Integer> avoided = ConcurrentHashMap.newKeySet();
  private final String source;
  private final String runId;
  private final int events;
  private final int perSecond;
  private final Ledger ledger;
  private final Promise<Void> done = Promise.promise();
  private final List<Failure> failures = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> failuresByKind = new ConcurrentHashMap<>();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong gaveUp = new AtomicLong();

  // Owned by the context.
  private int issued;
  private int inflight;
  private int open;
  private long started;
  private long timer;
  private boolean stopped;

  Load(Vertx vertx, List<Integer> ports, String source, String runId, int events, int perSecond, Ledger ledger) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setConnectTimeout(2000).setIdleTimeout(30),
        // a connection per request in flight: a request never waits in the client for a connection to a process
        // it should no longer be sent to (see avoid)
        new PoolOptions().setHttp1MaxSize(MAX_INFLIGHT));
    this.ports = List.copyOf(ports);
    this.source = source;
    this.runId = runId;
    this.events = events;
    this.perSecond = perSecond;
    this.ledger = ledger;
  }

  /** Starts sending; the future completes when every event is acknowledged (or given up after 150 s). */
  Future<Void> start() {
    context.runOnContext(v -> {
      started = System.nanoTime();
      timer = vertx.setPeriodic(10, id -> tick());
    });
    return done.future();
  }

  /**
   * Sends nothing more to {@code port}, as a load balancer does once the instance's readiness is DOWN; requests
   * already sent there still get their answers.
   */
  void avoid(int port) {
    avoided.add(port);
  }

  /** Sends no new events; the ones already sent are still retried until acknowledged. */
  void stop() {
    context.runOnContext(v -> {
      stopped = true;
      finishIfDone();
    });
  }

  /** How many events this load sends in all. */
  long events() {
    return events;
  }

  long attempts() {
    return attempts.get();
  }

  long gaveUp() {
    return gaveUp.get();
  }

  List<Failure> failures() {
    return List.copyOf(failures);
  }

  Map<String, Long> failuresByKind() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    failuresByKind.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  /** When the last attempt that failed after {@code nanos} failed, or -1. */
  long lastFailureAfter(long nanos) {
    return failures.stream().mapToLong(Failure::nanos).filter(t -> t - nanos > 0).max().orElse(-1L);
  }

  long failuresAfter(long nanos) {
    return failures.stream().filter(f -> f.nanos() - nanos > 0).count();
  }

  void close() {
    context.runOnContext(v -> vertx.cancelTimer(timer));
    client.close();
  }

  private void tick() {
    if (stopped || issued >= events) {
      vertx.cancelTimer(timer);
      finishIfDone();
      return;
    }
    long due = Math.min(events, (System.nanoTime() - started) * perSecond / 1_000_000_000L);
    while (issued < due && inflight < MAX_INFLIGHT) {
      int n = issued++;
      open++;
      String id = runId + "-" + n;
      JsonObject event = new JsonObject().put("specversion", "1.0").put("id", id).put("source", source)
          .put("type", "drill.reading").put("subject", "subject-" + (n % 8)).put("data", new JsonObject().put("n", n));
      send(new EventKey(source, id), Buffer.buffer(event.encode()), n, System.nanoTime());
    }
  }

  private void send(EventKey key, Buffer body, int attempt, long firstSent) {
    inflight++;
    attempts.incrementAndGet();
    int port = ports.get(Math.floorMod(attempt, ports.size()));
    for (int i = 1; avoided.contains(port) && i < ports.size(); i++) {
      port = ports.get(Math.floorMod(attempt + i, ports.size()));
    }
    client.post(port, "127.0.0.1", "/v1/events")
        .putHeader("Authorization", "Bearer " + TestSurge.BOOTSTRAP_KEY)
        .putHeader("Content-Type", "application/cloudevents+json")
        .timeout(15_000)
        .sendBuffer(body)
        .onComplete(ar -> {
          inflight--;
          long now = System.nanoTime();
          if (ar.succeeded() && ar.result().statusCode() == 202) {
            ledger.ack(key, now);
            open--;
            finishIfDone();
            return;
          }
          failed(now, ar.succeeded() ? kind(ar.result()) : kind(ar.cause()));
          if (now - firstSent > GIVE_UP_NANOS) {
            gaveUp.incrementAndGet();
            open--;
            finishIfDone();
          } else {
            vertx.setTimer(RETRY_MS, id -> send(key, body, attempt + 1, firstSent));
          }
        });
  }

  private void failed(long nanos, String kind) {
    failures.add(new Failure(nanos, kind));
    failuresByKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  /** A refused connection carried no request (a load balancer retries it elsewhere); anything else lost one. */
  private static String kind(Throwable failure) {
    return failure instanceof java.net.ConnectException ? "connection refused" : failure.getClass().getSimpleName();
  }

  private static String kind(HttpResponse<Buffer> response) {
    if (response.statusCode() == 503 && response.getHeader("Retry-After") == null) {
      return "status 503 without Retry-After";
    }
    return "status " + response.statusCode();
  }

  private void finishIfDone() {
    if ((stopped || issued >= events) && open == 0) {
      done.tryComplete();
    }
  }
}
