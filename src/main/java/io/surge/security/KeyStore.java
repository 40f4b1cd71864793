package io.surge.security;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/** Tenants and API keys in Postgres. Secrets never leave {@link #create}; only their hashes are stored. */
public final class KeyStore {
  public static final String BOOTSTRAP_ID = "bootstrap";
  private static final String INFO = "id, tenant, scopes, superuser, requests_per_second, events_per_second, created_at, revoked_at";

  private final Pool pool;
  private final LongAdder lookups = new LongAdder();

  public KeyStore(Pool pool) {
    this.pool = pool;
  }

  /** Prefix lookups made so far: what unauthenticated load costs the database. */
  long lookups() {
    return lookups.sum();
  }

  /** A key as listed: everything but the secret. */
  public record KeyInfo(String id, String tenant, List<String> scopes, boolean superuser, Integer requestsPerSecond,
                        Integer eventsPerSecond, OffsetDateTime createdAt, OffsetDateTime revokedAt) {}

  /** A new key: its token is shown this once. */
  public record Created(KeyInfo info, String token) {}

  /** A stored key that a token's prefix points at. */
  record Candidate(String id, byte[] hash, String tenant, Set<Scope> scopes, boolean superuser, boolean revoked,
                   Integer requestsPerSecond, Integer eventsPerSecond) {}

  public Future<Created> create(String tenant, Set<Scope> scopes, Integer requestsPerSecond, Integer eventsPerSecond) {
    String token = KeySecrets.newToken();
    String id = KeySecrets.newId();
    return pool.withTransaction(conn -> conn
            .preparedQuery("INSERT INTO tenants (name) VALUES ($1) ON CONFLICT DO NOTHING").execute(Tuple.of(tenant))
            .compose(v -> conn.preparedQuery("INSERT INTO api_keys (id, prefix, hash, tenant, scopes, requests_per_second, "
                    + "events_per_second) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + INFO)
                .execute(Tuple.of(id, KeySecrets.prefix(token), Buffer.buffer(KeySecrets.hash(token)), tenant,
                    wire(scopes), requestsPerSecond, eventsPerSecond))))
        .map(rows -> new Created(info(rows.iterator().next()), token));
  }

  /** Creates or refreshes the bootstrap key: all scopes, tenant default, administers every tenant. */
  public Future<Void> ensureBootstrap(String token) {
    return pool.preparedQuery("INSERT INTO api_keys (id, prefix, hash, tenant, scopes, superuser) "
            + "VALUES ($1, $2, $3, 'default', $4, true) ON CONFLICT (id) DO UPDATE "
            + "SET prefix = excluded.prefix, hash = excluded.hash, scopes = excluded.scopes, revoked_at = NULL")
        .execute(Tuple.of(BOOTSTRAP_ID, KeySecrets.prefix(token), Buffer.buffer(KeySecrets.hash(token)),
            wire(EnumSet.allOf(Scope.class))))
        .mapEmpty();
  }

  /** Keys of one tenant, or of all when {@code tenant} is null; newest first. */
  public Future<List<KeyInfo>> list(String tenant) {
    Future<io.vertx.sqlclient.RowSet<Row>> rows = tenant == null
        ? pool.query("SELECT " + INFO + " FROM api_keys ORDER BY created_at DESC, id").execute()
        : pool.preparedQuery("SELECT " + INFO + " FROM api_keys WHERE tenant = $1 ORDER BY created_at DESC, id")
            .execute(Tuple.of(tenant));
    return rows.map(rs -> {
      List<KeyInfo> keys = new ArrayList<>(rs.size());
      rs.forEach(r -> keys.add(info(r)));
      return keys;
    });
  }

  /** Revokes a live key (of {@code tenant} only, unless null); false when there is no such live key. */
  public Future<Boolean> revoke(String id, String tenant) {
    String sql = "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL"
        + (tenant == null ? "" : " AND tenant = $2");
    Tuple params = tenant == null ? Tuple.of(id) : Tuple.of(id, tenant);
    return pool.preparedQuery(sql).execute(params).map(rs -> rs.rowCount() == 1);
  }

  Future<List<Candidate>> candidates(String prefix) {
    lookups.increment();
    return pool.preparedQuery("SELECT id, hash, tenant, scopes, superuser, revoked_at IS NOT NULL, requests_per_second, "
        + "events_per_second FROM api_keys WHERE prefix = $1")
        .execute(Tuple.of(prefix))
        .map(rs -> {
          List<Candidate> out = new ArrayList<>(rs.size());
          for (Row r : rs) {
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (String s : r.getArrayOfStrings(3)) {
              Scope scope = Scope.parse(s);
              if (scope != null) {
                scopes.add(scope);
              }
            }
            out.add(new Candidate(r.getString(0), r.getBuffer(1).getBytes(), r.getString(2), scopes, r.getBoolean(4),
                r.getBoolean(5), r.getInteger(6), r.getInteger(7)));
          }
          return out;
        });
  }

  private static String[] wire(Set<Scope> scopes) {
    return scopes.stream().map(Scope::wire).sorted().toArray(String[]::new);
  }

  private static KeyInfo info(Row r) {
    return new KeyInfo(r.getString(0), r.getString(1), Arrays.asList(r.getArrayOfStrings(2)), r.getBoolean(3),
        r.getInteger(4), r.getInteger(5), r.getOffsetDateTime(6), r.getOffsetDateTime(7));
  }
}
