package io.surge;

import io.surge.cache.RedisGate;
import io.surge.config.SurgeConfig;
import io.surge.config.SurgeConfig.IngressTopic;
import io.surge.config.SurgeConfig.Role;
import io.surge.db.Migrations;
import io.surge.db.Postgres;
import io.surge.http.HttpVerticle;
import io.surge.ingest.EventPublisher;
import io.surge.ingest.InflightLimit;
import io.surge.ingest.IngestRoutes;
import io.surge.ingest.PersistedWaits;
import io.surge.kafka.KafkaClients;
import io.surge.kafka.KafkaReadiness;
import io.surge.kafka.KafkaTopics;
import io.surge.ops.HealthRoutes;
import io.surge.ops.ManagementVerticle;
import io.surge.ops.Metrics;
import io.surge.ingest.IngestMeters;
import io.surge.pipeline.WorkerMeters;
import io.surge.pipeline.CacheWriter;
import io.surge.pipeline.DeadLetters;
import io.surge.pipeline.EventRecordDecoder;
import io.surge.pipeline.EventWorker;
import io.surge.pipeline.WorkerStatus;
import io.surge.pipeline.WorkerVerticle;
import io.surge.pipeline.EventWriter;
import io.surge.query.QueryRoutes;
import io.surge.security.AdminRoutes;
import io.surge.security.AuthHandler;
import io.surge.security.Authenticator;
import io.surge.security.JwtVerifier;
import io.surge.security.KeyStore;
import io.surge.security.RateLimiter;
import io.surge.security.RateLimits;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Surge process: a Vert.x instance, the shared clients, and the parts of the configured roles. The HTTP
 * roles (ingest, query) share one server; the worker role runs consumer threads.
 */
public final class SurgeNode {
  private static final Logger LOG = LoggerFactory.getLogger(SurgeNode.class);

  private final Vertx vertx;
  private final SurgeConfig config;
  private final List<AutoCloseable> clients = new ArrayList<>();
  private final List<HttpVerticle> http = new ArrayList<>();
  private final List<Consumer<Router>> routes = new ArrayList<>();
  private final List<WorkerStatus> workers = new ArrayList<>();
  private final HealthRoutes health = new HealthRoutes();
  private final String workerIdentity;
  private final Metrics metrics;
  private ManagementVerticle management;
  private InflightLimit inflight;
  private PersistedWaits waits;
  private Pool pool;
  private Redis redis;
  private RateLimits rateLimits;
  private AdminRoutes adminRoutes;

  private SurgeNode(Vertx vertx, SurgeConfig config, Metrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.workerIdentity = config.roles().contains(Role.WORKER) ? workerIdentity(config) : null;
  }

  public static Future<SurgeNode> start(SurgeConfig config) {
    Metrics metrics = new Metrics();
    SurgeNode node = new SurgeNode(metrics.vertx(), config, metrics);
    Promise<SurgeNode> result = Promise.promise();
    node.startRoles().onComplete(started -> {
      if (started.succeeded()) {
        result.complete(node);
        return;
      }
      // stopping closes Vert.x itself: drive it from a thread of our own, never from one of its event loops, or
      // the answer is dispatched to a loop that no longer runs and the caller waits forever
      Thread stopper = new Thread(() -> {
        try {
          node.stop().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("stopping after a failed start: {}", e.toString());
        }
        result.fail(started.cause());
      }, "surge-failed-start");
      stopper.start();
    });
    return result.future();
  }

  private Future<Void> startRoles() {
    // every role needs Postgres: workers write events, HTTP roles look up API keys
    Future<Void> started = startDatabase();
    if (config.roles().contains(Role.INGEST) || config.roles().contains(Role.QUERY)) {
      started = started.compose(v -> startSecurity());
    }
    if (config.roles().contains(Role.INGEST)) {
      started = started.compose(v -> startIngest());
    }
    if (config.roles().contains(Role.WORKER)) {
      started = started.compose(v -> startWorkers());
    }
    if (config.roles().contains(Role.QUERY)) {
      started = started.compose(v -> startQuery());
    }
    // every process answers /health, a worker-only one too
    return started.compose(v -> startHttp()).compose(v -> startManagement());
  }

  private Future<Void> startDatabase() {
    return Postgres.ensureDatabase(vertx, config.pg().url())
        .compose(v -> {
          pool = Postgres.pool(vertx, config.pg().url(), config.pg().poolSize());
          redis = io.surge.cache.RedisClients.create(vertx, config.redis());
          health.check("postgres", () -> pool.query("SELECT 1").execute());
          return Migrations.apply(pool);
        })
        .onSuccess(version -> LOG.info("postgres schema at version {}", version))
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "Postgres at " + config.pg().url() + " is not usable: " + e.getMessage(), e)))
        .mapEmpty();
  }

  /** API keys and JWTs: every /v1 route is behind the bearer check, mounted before any other route. */
  private Future<Void> startSecurity() {
    KeyStore keys = new KeyStore(pool);
    rateLimits = new RateLimits(new RateLimiter(new RedisGate(redis), config.redis().keyPrefix(),
        config.security().rateLimitLocalFallback()));
    Future<JwtVerifier> jwt = config.security().jwt() == null ? Future.succeededFuture()
        : JwtVerifier.start(vertx, config.security().jwt());
    String bootstrap = config.security().bootstrapKey();
    return jwt
        .onSuccess(verifier -> {
          // one shared by every event loop: the key cache and the failed-authentication counts are per process
          AuthHandler auth = new AuthHandler(new Authenticator(keys, config.security()), verifier);
          routes.add(router -> router.route("/v1/*").handler(auth).handler(rateLimits::requests));
          adminRoutes = new AdminRoutes(keys);
        })
        .compose(v -> bootstrap == null ? Future.succeededFuture()
            : keys.ensureBootstrap(bootstrap).onSuccess(k -> LOG.info("bootstrap key (tenant default, all scopes) is set")));
  }

  private Future<Void> startIngest() {
    SurgeConfig.KafkaConfig kafka = config.kafka();
    Admin admin = track(KafkaClients.admin(kafka, "surge-ingest-admin"));
    Producer<byte[], byte[]> producer = track(KafkaClients.eventProducer(kafka, "surge-ingest"));
    inflight = new InflightLimit(config.ingest().maxInflightEvents());
    EventPublisher publisher = new EventPublisher(producer, kafka.topic(), inflight, config.ingest().retryAfterSeconds());
    health.check("kafka", new KafkaReadiness(vertx, admin, 2000));
    waits = PersistedWaits.start(vertx, config.pg().url(), kafka.topic());
    routes.add(new IngestRoutes(config.ingest(), publisher, waits, rateLimits, new IngestMeters(metrics.registry(), inflight)));
    return KafkaTopics.ensure(vertx, admin, kafka.topic(), kafka)
        .compose(v -> KafkaTopics.awaitMetadata(vertx, producer, kafka.topic(), kafka.startupTimeoutMs()))
        .mapEmpty();
  }

  private Future<Void> startWorkers() {
    SurgeConfig.KafkaConfig kafka = config.kafka();
    SurgeConfig.PipelineConfig pipeline = config.pipeline();
    Admin admin = track(KafkaClients.admin(kafka, "surge-worker-admin"));
    Producer<byte[], byte[]> dlqProducer = track(KafkaClients.eventProducer(kafka, "surge-dlq"));
    List<String> topics = new ArrayList<>(List.of(kafka.topic()));
    Map<String, IngressTopic> ingress = new HashMap<>();
    for (IngressTopic t : pipeline.ingressTopics()) {
      topics.add(t.name());
      ingress.put(t.name(), t);
    }
    DeadLetters deadLetters = new DeadLetters(dlqProducer, pipeline.dlqTopic());
    EventWriter writer = new EventWriter(pool);
    CacheWriter cache = new CacheWriter(vertx, redis, config.redis());
    EventRecordDecoder decoder = new EventRecordDecoder(ingress, config.ingest().maxJsonDepth(), config.ingest().events());
    return KafkaTopics.ensure(vertx, admin, kafka.topic(), kafka)
        .compose(v -> KafkaTopics.ensure(vertx, admin, pipeline.dlqTopic(), kafka))
        .compose(v -> KafkaTopics.awaitMetadata(vertx, dlqProducer, pipeline.dlqTopic(), kafka.startupTimeoutMs()))
        .compose(v -> {
          String identity = workerIdentity;
          WorkerMeters meters = new WorkerMeters(metrics.registry());
          List<Future<String>> deployed = new ArrayList<>();
          for (int i = 0; i < pipeline.consumers(); i++) {
            String name = "surge-worker-" + i;
            String instanceId = identity == null ? null : identity + "-" + i;
            WorkerStatus status = new WorkerStatus(name);
            workers.add(status);
            deployed.add(vertx.deployVerticle(new WorkerVerticle(() -> new EventWorker(
                KafkaClients.workerConsumer(kafka, pipeline.groupId(), name, pipeline.maxPollRecords(), instanceId,
                    pipeline.sessionTimeoutMs()),
                topics, kafka.topic(), decoder, deadLetters, writer, cache, pipeline.backoffMinMs(),
                pipeline.backoffMaxMs(), status, meters), status, pipeline.backoffMinMs(), 30_000)));
            meters.register(status);
          }
          long stallMs = pipeline.stallSeconds() * 1000L;
          health.check("workers", () -> workers.stream().allMatch(w -> w.problem(stallMs) == null)
              ? Future.succeededFuture() : Future.failedFuture("a worker is dead or stuck"));
          LOG.info("{} worker(s) consuming {} (group {}{}), dead letters to {}", pipeline.consumers(), topics,
              pipeline.groupId(), identity == null ? "" : ", static member " + identity, pipeline.dlqTopic());
          return Future.all(deployed);
        })
        .mapEmpty();
  }

  /**
   * The configured worker identity, else host name and HTTP port (unique per host), else none (port 0). Found
   * on the caller's thread, as the host name may take a DNS lookup.
   */
  private static String workerIdentity(SurgeConfig config) {
    String configured = config.pipeline().instanceId();
    if (!configured.isEmpty()) {
      return configured;
    }
    if (config.http().port() == 0) {
      return null;
    }
    String host = System.getenv("HOSTNAME");
    try {
      host = host == null || host.isBlank() ? java.net.InetAddress.getLocalHost().getHostName() : host;
    } catch (java.net.UnknownHostException e) {
      return null;
    }
    return host + "-" + config.http().port();
  }

  private Future<Void> startQuery() {
    routes.add(new QueryRoutes(pool, new RedisGate(redis), config.redis(), config.query())::mount);
    return Future.succeededFuture();
  }

  private Future<Void> startHttp() {
    // the router tries routes in order and each miss costs a request a match (a regex for /keys/:id): the
    // rarely used admin routes go after the ingest and query routes
    if (adminRoutes != null) {
      routes.add(adminRoutes::mount);
    }
    routes.add(health::mount);
    return vertx.deployVerticle(() -> {
          HttpVerticle verticle = new HttpVerticle(config.http(), routes);
          synchronized (http) {
            http.add(verticle);
          }
          return verticle;
        }, new DeploymentOptions().setInstances(config.http().instances()))
        .onSuccess(id -> LOG.info("{} listening on {}://{}:{} ({} event loops), topic {} at {}", config.roles(), config.http().tls() ? "https" : "http",
            config.http().host(), httpPort(), config.http().instances(), config.kafka().topic(), config.kafka().bootstrap()))
        .mapEmpty();
  }

  /** Health and metrics on a port of their own, unless {@code management.port} is 0. */
  private Future<Void> startManagement() {
    SurgeConfig.ManagementConfig m = config.management();
    if (m.port() == 0) {
      return Future.succeededFuture();
    }
    management = new ManagementVerticle(m.host(), m.port(), health, metrics);
    return vertx.deployVerticle(management)
        .onSuccess(id -> LOG.info("management (health, metrics) on http://{}:{}", m.host(), management.actualPort()))
        .mapEmpty();
  }

  /** The management port, or -1 when it is off. */
  public int managementPort() {
    return management == null ? -1 : management.actualPort();
  }

  /** The port the HTTP server listens on, or -1 without an HTTP role. */
  public int httpPort() {
    synchronized (http) {
      return http.isEmpty() ? -1 : http.get(0).actualPort();
    }
  }

  /** Events sent to Kafka and not yet acknowledged, or 0 without the ingest role. */
  public int inflightEvents() {
    return inflight == null ? 0 : inflight.inflight();
  }

  /** The status of each worker of this process, for health and tests. */
  public List<WorkerStatus> workers() {
    return List.copyOf(workers);
  }

  /** Stops HTTP and the workers (each finishes and commits its batch), then flushes and closes the clients. */
  public Future<Void> stop() {
    return Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
        .transform(v -> waits == null ? Future.succeededFuture() : waits.close())
        .transform(v -> pool == null ? Future.succeededFuture() : pool.close())
        .transform(v -> {
          if (redis != null) {
            redis.close();
          }
          return vertx.executeBlocking(() -> {
            for (AutoCloseable client : clients) {
              closeQuietly(client);
            }
            return null;
          });
        })
        .transform(v -> vertx.close())
        .andThen(v -> metrics.close());
  }

  private <T extends AutoCloseable> T track(T client) {
    clients.add(0, client);
    return client;
  }

  private static void closeQuietly(AutoCloseable client) {
    try {
      if (client instanceof Producer<?, ?> producer) {
        producer.close(Duration.ofSeconds(10));
      } else if (client instanceof Admin admin) {
        admin.close(Duration.ofSeconds(5));
      } else {
        client.close();
      }
    } catch (Exception e) {
      LOG.warn("closing {} failed: {}", client.getClass().getSimpleName(), e.toString());
    }
  }
}
