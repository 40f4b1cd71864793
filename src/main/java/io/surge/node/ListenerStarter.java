package io.surge.node;

import io.surge.config.SurgeConfig;
import io.surge.http.HttpVerticle;
import io.surge.ops.ManagementVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The two listeners: the public one (one verticle per event loop) and the management one. */
public final class ListenerStarter {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerStarter.class);

  private ListenerStarter() {}

  /** A deployed listener; {@code port} is the one bound, -1 for none. */
  public record Listener(Vertx vertx, String deployment, int port) {
    public static final Listener NONE = new Listener(null, null, -1);

    /** Stops accepting, answers what is in flight (each verticle's stop), then releases the port. */
    public Future<Void> stop() {
      return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    }
  }

  /** Every process answers /health on the public port, a worker-only one too. */
  public static Future<Listener> startPublic(SharedClients shared, List<Consumer<Router>> routes) {
    SurgeConfig config = shared.config();
    long graceMs = config.shutdown().graceSeconds() * 1000L;
    List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
    return shared.vertx().deployVerticle(() -> {
          HttpVerticle verticle = new HttpVerticle(config.http(), routes, shared.drain(), graceMs);
          verticles.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(config.http().instances()))
        .map(id -> new Listener(shared.vertx(), id, verticles.get(0).actualPort()))
        .onSuccess(l -> LOG.info("{} listening on {}://{}:{} ({} event loops), topic {} at {}", config.roles(),
            config.http().tls() ? "https" : "http", config.http().host(), l.port(), config.http().instances(),
            config.kafka().topic(), config.kafka().bootstrap()));
  }

  /** Health and metrics on a port of their own, unless {@code management.port} is 0. */
  public static Future<Listener> startManagement(SharedClients shared) {
    SurgeConfig.ManagementConfig m = shared.config().management();
    if (m.port() == 0) {
      return Future.succeededFuture(Listener.NONE);
    }
    ManagementVerticle management = new ManagementVerticle(m.host(), m.port(), shared.health(), shared.metrics());
    return shared.vertx().deployVerticle(management)
        .map(id -> new Listener(shared.vertx(), id, management.actualPort()))
        .onSuccess(l -> LOG.info("management (health, metrics) on http://{}:{}", m.host(), l.port()));
  }
}
