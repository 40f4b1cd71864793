package io.surge.ops;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /health/live} (the process answers) and {@code GET /health/ready} (every dependency answers, and
 * the process is not shutting down).
 */
public final class HealthRoutes {
  private final Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();
  private final Drain drain;

  public HealthRoutes(Drain drain) {
    this.drain = drain;
  }

  public HealthRoutes check(String name, Supplier<Future<?>> check) {
    checks.put(name, check);
    return this;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> answer(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    if (drain.draining()) {
      answer(ctx, 503, new JsonObject().put("status", "DOWN").put("checks", new JsonObject().put("shutdown", "DOWN")));
      return;
    }
    List<String> names = new ArrayList<>(checks.keySet());
    List<Future<?>> results = new ArrayList<>(names.size());
    for (String name : names) {
      results.add(checks.get(name).get());
    }
    Future.join(results).onComplete(done -> {
      JsonObject details = new JsonObject();
      boolean up = true;
      for (int i = 0; i < names.size(); i++) {
        Future<?> result = results.get(i);
        up &= result.succeeded();
        // no exception text on a public port: it can name hosts, users and internals
        details.put(names.get(i), result.succeeded() ? "UP" : "DOWN");
      }
      answer(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", details));
    });
  }

  private static void answer(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
