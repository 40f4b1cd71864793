package io.surge.ops;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestIdsTest {
  @Test
  void printableAsciiUpTo128CharactersIsTakenAsItIs() {
    assertTrue(RequestIds.acceptable("a"));
    assertTrue(RequestIds.acceptable("4bf92f35-77b3-4da6 b4c1!~"));
    assertTrue(RequestIds.acceptable("x".repeat(128)));
  }

  @Test
  void anythingElseIsReplaced() {
    assertFalse(RequestIds.acceptable(null));
    assertFalse(RequestIds.acceptable(""));
    assertFalse(RequestIds.acceptable("x".repeat(129)));
    assertFalse(RequestIds.acceptable("a\tb"));
    assertFalse(RequestIds.acceptable("a\u007fb"));
    assertFalse(RequestIds.acceptable("caf\u00e9"));
  }

  @Test
  void madeIdsAreDistinctAndShareTheProcessPrefix() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(RequestIds.next());
    }
    assertEquals(10_000, ids.size());
    String one = RequestIds.next();
    assertTrue(one.matches("[0-9a-v]{8}-[0-9a-z]+"), one);
    assertTrue(ids.stream().allMatch(id -> id.startsWith(one.substring(0, 9))));
    assertTrue(RequestIds.acceptable(one));
  }
}
