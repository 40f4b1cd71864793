package io.surge.security;

import io.surge.config.ConfigException;
import io.surge.db.DatabaseOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** {@code surge keys create|list|revoke}: the admin API's key management, straight against the database. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list and revoke API keys in the database named by the configuration.",
    subcommands = {KeysCommand.CreateKey.class, KeysCommand.ListKeys.class, KeysCommand.RevokeKey.class})
public final class KeysCommand implements Runnable {
  @Mixin
  DatabaseOptions database;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Runs {@code action} against the key store; prints its JSON answer; 0 on success, 1 on failure, 2 on bad config. */
  int run(Function<KeyStore, Future<Object>> action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String url;
    try {
      url = database.url();
    } catch (ConfigException e) {
      err.println("surge: " + e.getMessage());
      return 2;
    }
    try {
      Object answer = DatabaseOptions.onMigrated(url, Duration.ofSeconds(30),
          (pool, schema) -> action.apply(new KeyStore(pool)));
      out.println(answer);
      return 0;
    } catch (Exception e) {
      err.println("surge keys: " + e.getMessage());
      return 1;
    }
  }

  @Command(name = "create", description = "Create a key and print it (the secret is shown this once).")
  static final class CreateKey implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    KeysCommand parent;

    @Option(names = "--tenant", required = true, description = "The tenant the key belongs to.")
    String tenant;

    @Option(names = "--scopes", required = true, split = ",", description = "Comma-separated: ingest, read, admin.")
    List<String> scopes;

    @Option(names = "--requests-per-second", description = "Rate limit on requests (default: none).")
    Integer requestsPerSecond;

    @Option(names = "--events-per-second", description = "Rate limit on events (default: none).")
    Integer eventsPerSecond;

    @Override
    public Integer call() {
      PrintWriter err = parent.spec.commandLine().getErr();
      if (!AdminRoutes.TENANT.matcher(tenant).matches()) {
        err.println("surge keys: --tenant is 1-63 of a-z 0-9 . _ -, starting with a letter or digit");
        return 2;
      }
      Set<Scope> parsed = EnumSet.noneOf(Scope.class);
      for (String s : scopes) {
        Scope scope = Scope.parse(s.trim());
        if (scope == null) {
          err.println("surge keys: unknown scope '" + s + "'; scopes are ingest, read, admin");
          return 2;
        }
        parsed.add(scope);
      }
      if ((requestsPerSecond != null && requestsPerSecond < 1) || (eventsPerSecond != null && eventsPerSecond < 1)) {
        err.println("surge keys: rate limits are whole numbers above 0");
        return 2;
      }
      return parent.run(store -> store.create(tenant, parsed, requestsPerSecond, eventsPerSecond)
          .map(created -> AdminRoutes.json(created.info()).put("key", created.token()).encodePrettily()));
    }
  }

  @Command(name = "list", description = "List keys (never their secrets).")
  static final class ListKeys implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    KeysCommand parent;

    @Option(names = "--tenant", description = "Only this tenant's keys.")
    String tenant;

    @Override
    public Integer call() {
      return parent.run(store -> store.list(tenant).map(keys -> {
        JsonArray out = new JsonArray();
        keys.forEach(k -> out.add(AdminRoutes.json(k)));
        return new JsonObject().put("keys", out).encodePrettily();
      }));
    }
  }

  @Command(name = "revoke", description = "Revoke a key by id; every instance refuses it within security.keyCacheSeconds.")
  static final class RevokeKey implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    KeysCommand parent;

    @Parameters(paramLabel = "ID", description = "The key's id (key_...).")
    String id;

    @Override
    public Integer call() {
      return parent.run(store -> store.revoke(id, null).compose(revoked -> revoked
          ? Future.succeededFuture((Object) ("revoked " + id))
          : Future.failedFuture("no live key '" + id + "'")));
    }
  }
}
