package io.surge.dev;

import io.surge.db.Postgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.sqlclient.Pool;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end benchmark client: POSTs batches of events at a fixed rate (open loop, so a slow server shows as
 * lag, not as a politely slower client), samples how many rows Postgres holds, and measures the latency from a
 * probe event's 202 until {@code GET /v1/events/{id}} finds it.
 *
 * <p>{@code PipelineBench <surge-url> <pg-url> <events/s> <events/request> <seconds> [probe-every-ms]
 * [warm-up-seconds]}: probes poll every 5 ms until found, so keep them off (0) when measuring the highest
 * sustained rate. The warm-up sends at the same rate before anything is measured, so that the JIT of Surge
 * and of this client is done (they share the cores).
 */
public final class PipelineBench {
  private static final String SOURCE = "/bench/e2e";
  private static final String PADDING = "x".repeat(88);
  private static final int MAX_INFLIGHT_REQUESTS = 512;
  private static final int SAMPLE_MS = 5000;

  private final Vertx vertx = Vertx.vertx();
  private final WebClient client;
  private final Pool db;
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final AtomicLong counter = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final List<Long> probeMicros = Collections.synchronizedList(new ArrayList<>());
  private int inflight;
  private int probesSeen;

  private PipelineBench(String url, String pgUrl) {
    URI uri = URI.create(url);
    WebClient plain = WebClient.create(vertx, new WebClientOptions().setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort()),
        new PoolOptions().setHttp1MaxSize(64));
    // the API key to send, from the environment so it never shows in a process listing
    String key = System.getenv("BENCH_KEY");
    client = key == null ? plain : WebClientSession.create(plain).addHeader("Authorization", "Bearer " + key);
    db = Postgres.pool(vertx, pgUrl, 1);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: PipelineBench <surge-url> <pg-url> <events/s> <events/request> <seconds> [probe-every-ms] [warm-up-seconds]");
      System.exit(2);
    }
    PipelineBench bench = new PipelineBench(args[0], args[1]);
    bench.run(Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
        args.length > 5 ? Integer.parseInt(args[5]) : 100, args.length > 6 ? Integer.parseInt(args[6]) : 0);
    bench.vertx.close().await();
  }

  private void run(int rate, int batch, int seconds, int probeEveryMs, int warmupSeconds) throws InterruptedException {
    long rowsBefore = rows();
    double[] quota = {0};
    long sender = vertx.setPeriodic(10, id -> {
      quota[0] += rate / 100.0;
      while (quota[0] >= batch) {
        quota[0] -= batch;
        send(batch);
      }
    });
    long prober = probeEveryMs > 0 ? vertx.setPeriodic(probeEveryMs, id -> probe()) : -1;
    Thread.sleep(warmupSeconds * 1000L);
    // lag counts from the very start; rates and probe latencies count from here (the warm-up also ran the
    // probe's code paths: the single-event POST and the GET)
    long acceptedBase = accepted.get();
    long startRows = rows();
    long start = System.nanoTime();
    synchronized (probeMicros) {
      probeMicros.clear();
    }
    System.out.printf("%6s %12s %12s %12s %14s%n", "t (s)", "accepted", "persisted", "lag", "probe max ms");
    List<Long> lags = new ArrayList<>();
    for (int t = SAMPLE_MS; t <= seconds * 1000; t += SAMPLE_MS) {
      Thread.sleep(Math.max(0, start / 1_000_000 + t - System.nanoTime() / 1_000_000));
      long persisted = rows() - startRows;
      long lag = accepted.get() - (persisted + startRows - rowsBefore);
      lags.add(lag);
      long windowMax;
      synchronized (probeMicros) {
        windowMax = probeMicros.subList(probesSeen, probeMicros.size()).stream().mapToLong(Long::longValue).max().orElse(0);
        probesSeen = probeMicros.size();
      }
      System.out.printf("%6d %12d %12d %12d %14.1f%n", t / 1000, accepted.get() - acceptedBase, persisted, lag,
          windowMax / 1000.0);
    }
    vertx.cancelTimer(sender);
    vertx.cancelTimer(prober);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    long acceptedAtEnd = accepted.get() - acceptedBase;
    long persistedAtEnd = rows() - startRows;
    // drain: how long until every accepted event is persisted
    long drainStart = System.nanoTime();
    while (rows() - rowsBefore < accepted.get() && System.nanoTime() - drainStart < 60_000_000_000L) {
      Thread.sleep(100);
    }
    long drainMs = (System.nanoTime() - drainStart) / 1_000_000;
    Thread.sleep(1000); // let the last probes finish

    List<Long> latencies = new ArrayList<>(probeMicros);
    Collections.sort(latencies);
    System.out.printf(Locale.ROOT, "%nrate asked %d events/s, batch %d, %d s after a %d s warm-up%n", rate, batch,
        seconds, warmupSeconds);
    System.out.printf(Locale.ROOT, "accepted  %d events (%.0f events/s), failed requests %d, skipped (client cap) %d%n",
        acceptedAtEnd, acceptedAtEnd * 1000.0 / elapsedMs, failed.get(), skipped.get());
    System.out.printf(Locale.ROOT, "persisted %d events in the window (%.0f events/s); all persisted %d ms after the end%n",
        persistedAtEnd, persistedAtEnd * 1000.0 / elapsedMs, drainMs);
    System.out.printf(Locale.ROOT, "lag (accepted - persisted) per %d s: %s%n", SAMPLE_MS / 1000, lags);
    System.out.printf(Locale.ROOT, "e2e latency (202 -> GET finds it), %d probes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        latencies.size(), pct(latencies, 50), pct(latencies, 99), pct(latencies, 100));
  }

  private void send(int batch) {
    if (inflight >= MAX_INFLIGHT_REQUESTS) {
      skipped.addAndGet(batch);
      return;
    }
    inflight++;
    StringBuilder body = new StringBuilder(batch * 330).append('[');
    for (int i = 0; i < batch; i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append(event(run + "-" + counter.incrementAndGet(), "sensor-" + (i % 100)));
    }
    post(body.append(']').toString(), "application/cloudevents-batch+json")
        .onComplete(r -> {
          inflight--;
          if (r.succeeded() && r.result().statusCode() == 202) {
            accepted.addAndGet(batch);
          } else {
            failed.incrementAndGet();
          }
        });
  }

  private void probe() {
    String id = run + "-probe-" + counter.incrementAndGet();
    post(event(id, "probe"), "application/cloudevents+json").onSuccess(r -> {
      if (r.statusCode() == 202) {
        accepted.incrementAndGet();
        poll(id, System.nanoTime());
      }
    });
  }

  private void poll(String id, long acceptedAt) {
    client.get("/v1/events/" + id).addQueryParam("source", SOURCE).send().onComplete(r -> {
      if (r.succeeded() && r.result().statusCode() == 200) {
        probeMicros.add((System.nanoTime() - acceptedAt) / 1000);
      } else if (System.nanoTime() - acceptedAt < 30_000_000_000L) {
        vertx.setTimer(5, t -> poll(id, acceptedAt));
      }
    });
  }

  private Future<HttpResponse<Buffer>> post(String body, String contentType) {
    return client.post("/v1/events").putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body));
  }

  private static String event(String id, String subject) {
    return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + SOURCE + "\","
        + "\"type\":\"com.example.bench.reading\",\"subject\":\"" + subject + "\","
        + "\"time\":\"2026-11-28T10:00:00Z\",\"datacontenttype\":\"application/json\","
        + "\"data\":{\"sensor\":\"s-17\",\"temperature\":21.5,\"humidity\":0.43,\"note\":\"" + PADDING + "\"}}";
  }

  /** Rows ever inserted: the identity sequence (the benchmark sends no duplicates). */
  private long rows() {
    return db.query("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_seq_seq").execute()
        .await().iterator().next().getLong(0);
  }

  private static double pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
    return sorted.get(Math.max(0, index)) / 1000.0;
  }
}
