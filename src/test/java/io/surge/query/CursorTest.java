package io.surge.query;

import io.surge.http.ProblemException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CursorTest {
  @Test
  void roundTrips() {
    Cursor c = new Cursor(1_764_324_000_123_456L, 987L);
    assertEquals(c, Cursor.decode(c.encode()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "!!", "bm9wZQ", "MTI6", "OjEy", "MTI6MzQ6NTY"})
  void anythingElseIsABadParameter(String raw) {
    ProblemException e = assertThrows(ProblemException.class, () -> Cursor.decode(raw));
    assertEquals(400, e.status());
    assertEquals("cursor", e.extensions().get("parameter"));
  }
}
