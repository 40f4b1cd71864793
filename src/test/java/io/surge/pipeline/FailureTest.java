package io.surge.pipeline;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import org.apache.kafka.common.errors.NetworkException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data errors go to the DLQ, outages are retried, the rest is retried a bounded number of times. */
class FailureTest {

  @ParameterizedTest
  @CsvSource({
      "54000, DATA",    // index row size exceeds btree maximum
      "22P02, DATA",    // invalid text representation
      "22003, DATA",    // numeric value out of range
      "22021, DATA",    // character not in repertoire (NUL)
      "23502, DATA",    // not null violation
      "23505, UNKNOWN", // unique violation: the insert absorbs the key, so another one is not the record's fault
      "08006, OUTAGE",  // connection failure
      "53300, OUTAGE",  // too many connections
      "57P01, OUTAGE",  // admin shutdown
      "40001, OUTAGE",  // serialization failure
      "55P03, OUTAGE",  // lock not available
      "42P01, UNKNOWN"  // undefined table: ours, not the record's
  })
  void sqlStatesByClass(String sqlState, Failure.Kind kind) {
    Failure f = Failure.of(new PgException("refused", "ERROR", sqlState, "detail"));
    assertEquals(kind, f.kind());
    assertEquals(sqlState, f.sqlState());
    assertTrue(f.reason().contains("SQLSTATE " + sqlState), f.reason());
  }

  @Test
  void connectionsAndTimeoutsAreOutages() {
    assertEquals(Failure.Kind.OUTAGE, Failure.of(new TimeoutException("30 s")).kind());
    assertEquals(Failure.Kind.OUTAGE, Failure.of(new RuntimeException(new ConnectException("refused"))).kind());
    assertEquals(Failure.Kind.OUTAGE, Failure.of(new VertxException("Connection closed", true)).kind());
    assertEquals(Failure.Kind.OUTAGE, Failure.of(new NetworkException("broker gone")).kind());
  }

  @Test
  void aPgExceptionWrappedInAnotherIsStillClassified() {
    assertEquals(Failure.Kind.DATA,
        Failure.of(new IllegalStateException(new PgException("too big", "ERROR", "54000", null))).kind());
  }

  @Test
  void anythingElseIsUnknown() {
    assertEquals(Failure.Kind.UNKNOWN, Failure.of(new IllegalArgumentException("cannot encode")).kind());
  }
}
