package io.surge.db;

import io.surge.config.UrlParameters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the reactive Postgres pool; creates the configured database on first start when it is missing. */
public final class Postgres {
  private static final Logger LOG = LoggerFactory.getLogger(Postgres.class);
  private static final String INVALID_CATALOG_NAME = "3D000";

  private Postgres() {}

  /**
   * Another process created the database between our check and our CREATE: 42P04 (duplicate_database), or
   * 23505 on pg_database's unique index when both CREATEs ran at the same moment.
   */
  static boolean isCreatedMeanwhile(Throwable e) {
    return e instanceof PgException p && ("42P04".equals(p.getSqlState()) || "23505".equals(p.getSqlState()));
  }

  /**
   * The connection options of {@code url}, TLS included: libpq's {@code sslmode} (the Vert.x client reads it) and
   * {@code sslrootcert}, a PEM CA file (read here; the Vert.x client does not know it).
   */
  public static PgConnectOptions options(String url) {
    String caPath = UrlParameters.get(url, "sslrootcert");
    PgConnectOptions options = PgConnectOptions.fromUri(UrlParameters.without(url, "sslrootcert"));
    return options.setSslOptions(sslOptions(options.getSslMode(), caPath));
  }

  /** As libpq: require without a CA encrypts but trusts any server; with a CA, or verify-ca, checks the chain. */
  static ClientSSLOptions sslOptions(SslMode mode, String caPath) {
    ClientSSLOptions ssl = new ClientSSLOptions();
    if (caPath != null) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(caPath));
    } else if (mode == SslMode.REQUIRE) {
      ssl.setTrustAll(true);
    }
    if (mode == SslMode.VERIFY_FULL) {
      ssl.setHostnameVerificationAlgorithm("HTTPS");
    }
    return ssl;
  }

  public static Pool pool(Vertx vertx, String url, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName("surge-pg"))
        .connectingTo(options(url))
        .using(vertx)
        .build();
  }

  /** Connects once; when the database does not exist yet, creates it through the {@code postgres} database. */
  public static Future<Void> ensureDatabase(Vertx vertx, String url) {
    PgConnectOptions options = options(url);
    return PgConnection.connect(vertx, options)
        .compose(PgConnection::close)
        .recover(e -> {
          if (!(e instanceof PgException pg) || !INVALID_CATALOG_NAME.equals(pg.getSqlState())) {
            return Future.failedFuture(e);
          }
          String database = options.getDatabase();
          LOG.info("creating database {}", database);
          PgConnectOptions admin = new PgConnectOptions(options).setDatabase("postgres");
          return PgConnection.connect(vertx, admin).compose(conn -> conn
              .query("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"").execute()
              .<Void>mapEmpty()
              .recover(err -> isCreatedMeanwhile(err) ? Future.succeededFuture() : Future.failedFuture(err))
              .eventually(conn::close));
        });
  }
}
