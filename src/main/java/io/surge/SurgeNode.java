package io.surge;

import io.surge.cache.RedisGate;
import io.surge.config.SurgeConfig;
import io.surge.config.SurgeConfig.Role;
import io.surge.http.ApiContract;
import io.surge.node.IngestStarter;
import io.surge.node.IngestStarter.Ingest;
import io.surge.node.ListenerStarter;
import io.surge.node.ListenerStarter.Listener;
import io.surge.node.SecurityStarter;
import io.surge.node.SecurityStarter.Security;
import io.surge.node.SharedClients;
import io.surge.node.WorkerStarter;
import io.surge.node.WorkerStarter.Workers;
import io.surge.ops.Metrics;
import io.surge.pipeline.WorkerStatus;
import io.surge.query.QueryRoutes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Surge process: a Vert.x instance, the clients its roles share, and the roles it runs. The HTTP roles
 * (ingest, query) share one public listener; the worker role runs consumer threads; every process has health on
 * the public port and, unless turned off, health and metrics on the management port. Each part is set once, by
 * its step of {@link #startRoles}, and stopped in {@link #stop}.
 */
public final class SurgeNode {
  private static final Logger LOG = LoggerFactory.getLogger(SurgeNode.class);

  private final Vertx vertx;
  private final SurgeConfig config;
  private final Metrics metrics;
  private volatile SharedClients shared;
  private volatile Ingest ingest;
  private volatile Workers workers;
  private volatile Listener publicListener;
  private volatile Listener management;

  private SurgeNode(SurgeConfig config, Metrics metrics) {
    this.vertx = metrics.vertx();
    this.config = config;
    this.metrics = metrics;
  }

  public static Future<SurgeNode> start(SurgeConfig config) {
    return start(config, new Metrics());
  }

  /** With the given metrics, and the tracing they carry (tests hand in an in-memory exporter). */
  public static Future<SurgeNode> start(SurgeConfig config, Metrics metrics) {
    // found before any event loop runs: the host name may take a DNS lookup
    String identity = config.roles().contains(Role.WORKER) ? WorkerStarter.identity(config) : null;
    SurgeNode node = new SurgeNode(config, metrics);
    Promise<SurgeNode> result = Promise.promise();
    node.startRoles(identity).onComplete(started -> {
      if (started.succeeded()) {
        result.complete(node);
        return;
      }
      // stopping closes Vert.x itself: drive it from a thread of our own, never from one of its event loops, or
      // the answer is dispatched to a loop that no longer runs and the caller waits forever
      Thread stopper = new Thread(() -> {
        try {
          node.stop(0).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("stopping after a failed start: {}", e.toString());
        }
        result.fail(started.cause());
      }, "surge-failed-start");
      stopper.start();
    });
    return result.future();
  }

  private Future<Void> startRoles(String workerIdentity) {
    boolean http = config.roles().contains(Role.INGEST) || config.roles().contains(Role.QUERY);
    return SharedClients.start(vertx, config, metrics)
        .compose(s -> {
          shared = s;
          return http ? SecurityStarter.start(s) : Future.<Security>succeededFuture();
        })
        .compose(security -> !config.roles().contains(Role.INGEST) ? Future.succeededFuture(security)
            : IngestStarter.start(shared, security.rateLimits()).map(i -> {
              ingest = i;
              return security;
            }))
        .compose(security -> !config.roles().contains(Role.WORKER) ? Future.succeededFuture(security)
            : WorkerStarter.start(shared, workerIdentity).map(w -> {
              workers = w;
              return security;
            }))
        .compose(security -> ListenerStarter.startPublic(shared, routes(security)))
        .compose(listener -> {
          publicListener = listener;
          return ListenerStarter.startManagement(shared);
        })
        .onSuccess(listener -> management = listener)
        .mapEmpty();
  }

  /**
   * The router tries routes in order and each miss costs a request a match: the bearer check first, then the
   * busy ingest and query routes, then the rarely used admin routes (a regex for /keys/:id) and health.
   */
  private List<Consumer<Router>> routes(Security security) {
    List<Consumer<Router>> routes = new ArrayList<>();
    if (security != null) {
      routes.add(security.guard());
    }
    if (ingest != null) {
      routes.add(ingest.routes());
    }
    if (config.roles().contains(Role.QUERY)) {
      routes.add(new QueryRoutes(shared.pool(), new RedisGate(shared.redis(), metrics.registry(), "query"), config.redis(),
          config.query())::mount);
    }
    if (security != null) {
      routes.add(security.admin());
    }
    routes.add(shared.health()::mount);
    routes.add(ApiContract.load()::mount); // last: it checks that every route above is documented
    return routes;
  }

  /** The management port, or -1 when it is off. */
  public int managementPort() {
    return management == null ? -1 : management.port();
  }

  /** The port the public HTTP server listens on. */
  public int httpPort() {
    return publicListener == null ? -1 : publicListener.port();
  }

  /** Events sent to Kafka and not yet acknowledged, or 0 without the ingest role. */
  public int inflightEvents() {
    return ingest == null ? 0 : ingest.inflight().inflight();
  }

  /** The status of each worker of this process, for health and tests. */
  public List<WorkerStatus> workers() {
    return workers == null ? List.of() : List.copyOf(workers.statuses());
  }

  /** The graceful stop, with the configured drain time (see {@link #stop(int)}). */
  public Future<Void> stop() {
    return stop(config.shutdown().drainSeconds());
  }

  /**
   * Stops in this order: readiness turns DOWN and every answer closes its connection, for {@code drainSeconds};
   * the public listener stops accepting and answers what is in flight; ingest flushes its producer, so every
   * event answered 202 is in Kafka; each worker finishes and commits its batch in hand; the management listener
   * goes last, so readiness says DOWN to the end; then the shared clients and Vert.x.
   */
  private Future<Void> stop(int drainSeconds) {
    // only a process that load balancers send to needs to wait for them; a worker-only one would just hold its
    // partitions back
    boolean balanced = config.roles().contains(Role.INGEST) || config.roles().contains(Role.QUERY);
    boolean draining = publicListener != null && balanced && drainSeconds > 0;
    if (shared != null) {
      shared.drain().begin();
    }
    if (draining) {
      LOG.info("stopping: readiness is DOWN; serving {} s more while load balancers stop sending", drainSeconds);
    }
    Future<Void> drained = draining ? vertx.timer(drainSeconds, TimeUnit.SECONDS).mapEmpty() : Future.succeededFuture();
    Promise<Void> stopped = Promise.promise();
    drained
        .transform(v -> publicListener == null ? Future.succeededFuture() : publicListener.stop())
        .transform(v -> ingest == null ? Future.succeededFuture() : ingest.stop())
        .transform(v -> workers == null ? Future.succeededFuture() : workers.stop())
        .transform(v -> management == null ? Future.succeededFuture() : management.stop())
        .transform(v -> shared == null ? Future.succeededFuture() : shared.close())
        // closing Vert.x from one of its own event loops would send the answer to a loop that no longer runs
        .onComplete(v -> new Thread(() -> vertx.close().andThen(closed -> metrics.close()).onComplete(stopped),
            "surge-close").start());
    return stopped.future();
  }
}
