package io.surge.ingest;

import io.vertx.core.MultiMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreferHeaderTest {
  @ParameterizedTest
  @ValueSource(strings = {"wait=persisted", "WAIT=persisted", "respond-async, wait=persisted", " wait=persisted ; x=1",
      "wait=\"persisted\""})
  void asksToWait(String prefer) {
    assertTrue(IngestRoutes.prefersWaitPersisted(MultiMap.caseInsensitiveMultiMap().add("Prefer", prefer)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "wait=5", "respond-async", "wait=persistedx", "return=minimal"})
  void doesNotAskToWait(String prefer) {
    assertFalse(IngestRoutes.prefersWaitPersisted(MultiMap.caseInsensitiveMultiMap().add("Prefer", prefer)));
  }
}
