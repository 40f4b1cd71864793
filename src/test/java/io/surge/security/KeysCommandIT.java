package io.surge.security;

import io.surge.SurgeNode;
import io.surge.Surge;
import io.surge.testing.KafkaEngine;
import io.surge.testing.PostgresEngine;
import io.surge.testing.TestSurge;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code surge keys create|list|revoke} against a real database, and the created key against a real node. */
@ExtendWith({VertxExtension.class, KafkaEngine.class})
class KeysCommandIT {
  private record Run(int exit, String out, String err) {}

  private static Run surge(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new Surge()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void createListRevokeAndTheKeyWorksOnANode(Vertx vertx) {
    String pg = PostgresEngine.freshDatabaseUrl();
    Run created = surge("keys", "--pg-url", pg, "create", "--tenant", "cli", "--scopes", "read,ingest",
        "--requests-per-second", "100");
    assertEquals(0, created.exit(), created.err());
    JsonObject key = new JsonObject(created.out());
    assertTrue(key.getString("key").startsWith("sk_"));
    assertEquals("cli", key.getString("tenant"));

    Run listed = surge("keys", "--pg-url", pg, "list", "--tenant", "cli");
    assertEquals(0, listed.exit(), listed.err());
    assertTrue(listed.out().contains(key.getString("id")));
    assertFalse(listed.out().contains(key.getString("key")), "a secret was listed");

    SurgeNode node = TestSurge.start(KafkaEngine.bootstrap(), TestSurge.uniqueTopic("keys-cli-it"), Map.of(
        "SURGE_PG_URL", pg, "SURGE_SECURITY_KEY_CACHE_SECONDS", "0"));
    try {
      var client = TestSurge.client(vertx, node.httpPort(), key.getString("key"));
      assertEquals(403, client.get("/v1/admin/keys").send().await().statusCode()); // authenticated, no admin scope
      assertEquals(0, surge("keys", "--pg-url", pg, "revoke", key.getString("id")).exit());
      assertEquals(401, client.get("/v1/admin/keys").send().await().statusCode());
    } finally {
      node.stop().await();
    }
    Run again = surge("keys", "--pg-url", pg, "revoke", key.getString("id"));
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("no live key"), again.err());
  }

  @Test
  void badArgumentsAreRefusedWithAClearLine() {
    Run badScope = surge("keys", "--pg-url", "postgresql://nobody@127.0.0.1:1/x", "create", "--tenant", "a", "--scopes", "root");
    assertEquals(2, badScope.exit());
    assertTrue(badScope.err().contains("unknown scope 'root'"), badScope.err());
    Run badTenant = surge("keys", "create", "--tenant", "Not Valid", "--scopes", "read");
    assertEquals(2, badTenant.exit());
    assertTrue(badTenant.err().contains("--tenant"), badTenant.err());
  }
}
