package io.surge.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RedactionTest {
  @Test
  void passwordsInUrlsAreMasked() {
    assertEquals("postgresql://surge:***@db:5432/surge", Redaction.redact("postgresql://surge:s3cr3t@db:5432/surge"));
    assertEquals("redis://:***@cache:6379", Redaction.redact("redis://:pw@cache:6379"));
    assertEquals("at postgresql://u:***@h/d and redis://:***@r", Redaction.redact("at postgresql://u:a@h/d and redis://:b@r"));
  }

  @Test
  void urlsWithoutPasswordsAndPlainTextStayAsTheyAre() {
    assertEquals("postgresql://postgres@127.0.0.1:5432/test", Redaction.redact("postgresql://postgres@127.0.0.1:5432/test"));
    assertEquals("redis://127.0.0.1:6379", Redaction.redact("redis://127.0.0.1:6379"));
    assertNull(Redaction.redact(null));
  }

  @Test
  void bearerTokensAreMasked() {
    assertEquals("Authorization: Bearer ***", Redaction.redact("Authorization: Bearer sk_abc_def"));
    assertEquals("bearer *** rest", Redaction.redact("bearer tok rest"));
  }
}
