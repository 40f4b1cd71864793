package io.surge.security;

import io.surge.http.Problems;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /v1/admin/keys}: create (the secret is in the 201 answer, never again), list without secrets, revoke.
 * The bootstrap key administers every tenant; any other admin key only its own.
 */
public final class AdminRoutes {
  public static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final int MAX_BODY = 16 * 1024;

  private final KeyStore store;

  public AdminRoutes(KeyStore store) {
    this.store = store;
  }

  public void mount(Router router) {
    router.post("/v1/admin/keys").handler(AuthHandler.requires(Scope.ADMIN)); // before the body is read
    router.post("/v1/admin/keys").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::create);
    router.get("/v1/admin/keys").handler(AuthHandler.requires(Scope.ADMIN)).handler(this::list);
    router.delete("/v1/admin/keys/:id").handler(AuthHandler.requires(Scope.ADMIN)).handler(this::revoke);
  }

  private void create(RoutingContext ctx) {
    Principal caller = Principal.of(ctx);
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw Problems.malformed("the body must be a JSON object: {\"tenant\": ..., \"scopes\": [...], \"limits\": {...}}");
    }
    if (body == null) {
      throw Problems.malformed("the body must be a JSON object: {\"tenant\": ..., \"scopes\": [...], \"limits\": {...}}");
    }
    String tenant = body.getValue("tenant") instanceof String t ? t : null;
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw Problems.badField("tenant", "tenant is 1-63 of a-z 0-9 . _ -, starting with a letter or digit");
    }
    if (!caller.superuser() && !tenant.equals(caller.tenant())) {
      throw Problems.forbidden("this admin key administers tenant '" + caller.tenant() + "' only");
    }
    Set<Scope> scopes = scopes(body.getValue("scopes"));
    Object limitsValue = body.getValue("limits");
    if (limitsValue != null && !(limitsValue instanceof JsonObject)) {
      throw Problems.badField("limits", "limits is an object {\"requestsPerSecond\": n, \"eventsPerSecond\": m}");
    }
    JsonObject limits = limitsValue == null ? new JsonObject() : (JsonObject) limitsValue;
    Integer rps = positive(limits, "requestsPerSecond");
    Integer eps = positive(limits, "eventsPerSecond");
    store.create(tenant, scopes, rps, eps).onSuccess(created -> ctx.response().setStatusCode(201)
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(json(created.info()).put("key", created.token()).encode()))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Principal caller = Principal.of(ctx);
    String tenant = ctx.queryParams().get("tenant");
    if (!caller.superuser()) {
      tenant = caller.tenant();
    }
    store.list(tenant).onSuccess(keys -> {
      JsonArray out = new JsonArray();
      keys.forEach(k -> out.add(json(k)));
      ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("keys", out).encode());
    }).onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    Principal caller = Principal.of(ctx);
    String id = ctx.pathParam("id");
    if (KeyStore.BOOTSTRAP_ID.equals(id)) {
      throw Problems.forbidden("the bootstrap key comes from configuration; change SURGE_BOOTSTRAP_KEY instead");
    }
    store.revoke(id, caller.superuser() ? null : caller.tenant()).onSuccess(revoked -> {
      if (revoked) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(Problems.notFound("no live key '" + id + "'"));
      }
    }).onFailure(ctx::fail);
  }

  private static Set<Scope> scopes(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw Problems.badField("scopes", "scopes is a non-empty array of ingest, read, admin");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (Object s : array) {
      Scope scope = s instanceof String name ? Scope.parse(name) : null;
      if (scope == null) {
        throw Problems.badField("scopes", "unknown scope " + s + "; scopes are ingest, read, admin");
      }
      scopes.add(scope);
    }
    return scopes;
  }

  private static Integer positive(JsonObject limits, String name) {
    Object v = limits.getValue(name);
    if (v == null) {
      return null;
    }
    if (v instanceof Integer i && i > 0) {
      return i;
    }
    throw Problems.badField("limits." + name, name + " is a whole number above 0");
  }

  static JsonObject json(KeyStore.KeyInfo k) {
    JsonObject limits = new JsonObject();
    if (k.requestsPerSecond() != null) {
      limits.put("requestsPerSecond", k.requestsPerSecond());
    }
    if (k.eventsPerSecond() != null) {
      limits.put("eventsPerSecond", k.eventsPerSecond());
    }
    return new JsonObject().put("id", k.id()).put("tenant", k.tenant()).put("scopes", new JsonArray(k.scopes()))
        .put("limits", limits).put("bootstrap", k.superuser())
        .put("createdAt", k.createdAt().toString())
        .put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString());
  }
}
