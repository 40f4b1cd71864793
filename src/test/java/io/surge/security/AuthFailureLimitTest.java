package io.surge.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failed authentications per address: the limit holds per address, answers a wait, and 0 turns it off. */
class AuthFailureLimitTest {

  @Test
  void anAddressMayFailUpToTheLimitThenMustWait() {
    AuthFailureLimit limit = new AuthFailureLimit(3);

    for (int i = 0; i < 3; i++) {
      assertEquals(0, limit.retryAfterSeconds("10.0.0.1"), "failure " + i + " is allowed");
      assertEquals(0, limit.record("10.0.0.1"));
    }
    int wait = limit.retryAfterSeconds("10.0.0.1");
    // 3 per minute: one more failure fits in 20 s
    assertTrue(wait >= 1 && wait <= 20, "wait " + wait);
    assertTrue(limit.record("10.0.0.1") > 0, "the failure over the limit is answered with a wait");
    assertEquals(0, limit.retryAfterSeconds("10.0.0.2"), "another address has a limit of its own");
  }

  @Test
  void zeroTurnsTheLimitOff() {
    AuthFailureLimit off = new AuthFailureLimit(0);

    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, off.record("10.0.0.1"));
    }
    assertEquals(0, off.retryAfterSeconds("10.0.0.1"));
  }
}
