package io.surge.dev;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * The client of {@code scripts/cluster-drills.sh}: sends single CloudEvents at a fixed rate (open loop) to one
 * URL, the balancer, and retries each failed one with the same id after 200 ms until it gets a 202, as a client
 * that wants at-least-once must. It writes every answer as {@code <epoch ms> <event id> <outcome>} to
 * {@code <out>/answers.log} (outcome {@code 202}, {@code status <n>} or the exception's kind) and the acknowledged
 * ids to {@code <out>/ledger.txt}, for the script to compare with Postgres and with the times of its faults.
 *
 * <p>{@code ClusterLoad <url> <key> <source> <events/s> <seconds> <out-dir>}
 */
public final class ClusterLoad {
  private static final int MAX_INFLIGHT = 512;
  private static final long RETRY_MS = 200;
  private static final long GIVE_UP_MS = 120_000;

  private final Vertx vertx = Vertx.vertx();
  private final WebClient client;
  private final URI url;
  private final String key;
  private final String source;
  private final int perSecond;
  private final int events;
  private final CountDownLatch done = new CountDownLatch(1);
  // Owned by the one event-loop context the timer and the answers run on.
  private final List<String> answers = new ArrayList<>();
  private final List<String> ledger = new ArrayList<>();
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private int issued;
  private int inflight;
  private int open;
  private int gaveUp;
  private long started;

  private ClusterLoad(URI url, String key, String source, int perSecond, int seconds) {
    this.url = url;
    this.key = key;
    this.source = source;
    this.perSecond = perSecond;
    this.events = perSecond * seconds;
    this.client = WebClient.create(vertx,
        new WebClientOptions().setConnectTimeout(2000).setIdleTimeout(30).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64));
  }

  public static void main(String[] args) throws Exception {
    ClusterLoad load = new ClusterLoad(URI.create(args[0] + "/v1/events"), args[1], args[2],
        Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    Path out = Path.of(args[5]);
    Files.createDirectories(out);
    load.vertx.runOnContext(v -> {
      load.started = System.nanoTime();
      load.vertx.setPeriodic(10, load::tick);
    });
    load.done.await();
    Files.write(out.resolve("answers.log"), load.answers);
    Files.write(out.resolve("ledger.txt"), load.ledger);
    System.out.printf("sent %d events, %d acknowledged, %d given up; answers %s%n", load.issued, load.ledger.size(),
        load.gaveUp, load.outcomes);
    load.vertx.close().await();
  }

  private void tick(long timer) {
    long due = Math.min(events, (System.nanoTime() - started) * perSecond / 1_000_000_000L);
    while (issued < due && inflight < MAX_INFLIGHT) {
      int n = issued++;
      open++;
      String id = source.substring(source.lastIndexOf('/') + 1) + "-" + n;
      Buffer body = new JsonObject().put("specversion", "1.0").put("id", id).put("source", source)
          .put("type", "cluster.drill").put("subject", "subject-" + (n % 8)).put("data", new JsonObject().put("n", n))
          .toBuffer();
      send(id, body, System.currentTimeMillis());
    }
    if (issued >= events) {
      vertx.cancelTimer(timer);
      finishIfDone();
    }
  }

  private void send(String id, Buffer body, long firstSent) {
    inflight++;
    client.postAbs(url.toString())
        .putHeader("Authorization", "Bearer " + key)
        .putHeader("Content-Type", "application/cloudevents+json")
        .timeout(15_000)
        .sendBuffer(body)
        .onComplete(ar -> {
          inflight--;
          long now = System.currentTimeMillis();
          String outcome = ar.succeeded() ? outcome(ar.result()) : outcome(ar.cause());
          answers.add(now + " " + id + " " + outcome);
          outcomes.merge(outcome, 1, Integer::sum);
          if ("202".equals(outcome)) {
            ledger.add(id);
            open--;
          } else if (now - firstSent > GIVE_UP_MS) {
            gaveUp++;
            open--;
          } else {
            vertx.setTimer(RETRY_MS, t -> send(id, body, firstSent));
          }
          finishIfDone();
        });
  }

  private static String outcome(HttpResponse<Buffer> response) {
    return response.statusCode() == 202 ? "202" : "status_" + response.statusCode();
  }

  /** A refused connection carried no request; any other failure may have lost one in flight. */
  private static String outcome(Throwable failure) {
    return failure instanceof ConnectException ? "connection_refused" : failure.getClass().getSimpleName();
  }

  private void finishIfDone() {
    if (issued >= events && open == 0) {
      done.countDown();
    }
  }
}
