package io.surge.pipeline;

import io.vertx.pgclient.PgException;
import org.apache.kafka.common.errors.RetriableException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * What a failed write says about its batch. {@link Kind#DATA}: a record is bad, and retrying it changes nothing
 * (find it, dead-letter it, move on). {@link Kind#OUTAGE}: something we depend on is down or slow (pause,
 * back off, retry; never dead-letter). {@link Kind#UNKNOWN}: neither is certain, so it is retried a bounded
 * number of times and then treated as data.
 */
record Failure(Kind kind, String reason, String sqlState) {
  enum Kind { DATA, OUTAGE, UNKNOWN }

  static Failure of(Throwable e) {
    Throwable root = rootCause(e);
    if (root instanceof PgException pg && pg.getSqlState() != null) {
      return fromSqlState(pg.getSqlState(), "Postgres refused the batch: " + pg.getErrorMessage());
    }
    if (root instanceof TimeoutException || root instanceof IOException || root instanceof RetriableException
        || isClosedConnection(root)) {
      return new Failure(Kind.OUTAGE, describe(root), null);
    }
    return new Failure(Kind.UNKNOWN, describe(root), null);
  }

  /**
   * By SQLSTATE class: 22 (data exception), 23 (integrity, but for the unique key, which the insert absorbs) and
   * 54 (program limit, e.g. an index row too big) are the record's; 08 (connection), 53 (resources), 57
   * (operator intervention, e.g. shutdown), 40 (rollback: serialization, deadlock), 55 (object state, e.g. a
   * lock) and 58 (system, e.g. I/O) are the server's.
   */
  static Failure fromSqlState(String sqlState, String message) {
    String sqlClass = sqlState.length() >= 2 ? sqlState.substring(0, 2) : sqlState;
    Kind kind = switch (sqlClass) {
      case "22", "54" -> Kind.DATA;
      case "23" -> "23505".equals(sqlState) ? Kind.UNKNOWN : Kind.DATA;
      case "08", "53", "57", "40", "55", "58" -> Kind.OUTAGE;
      default -> Kind.UNKNOWN;
    };
    return new Failure(kind, message + " (SQLSTATE " + sqlState + ")", sqlState);
  }

  /** Vert.x reports a dropped connection as a plain VertxException with this message. */
  private static boolean isClosedConnection(Throwable e) {
    String message = e.getMessage();
    return message != null && (message.contains("Connection closed") || message.contains("connection closed")
        || message.contains("Pool closed") || message.contains("Timeout"));
  }

  private static Throwable rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof PgException) {
        return root;
      }
      root = root.getCause();
    }
    return root;
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
