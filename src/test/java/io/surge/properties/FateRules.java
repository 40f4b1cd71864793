package io.surge.properties;

import io.surge.properties.GeneratedEvent.Str;
import io.surge.properties.GeneratedEvent.Verdict;
import io.surge.properties.SurgeUnderTest.DeadLettered;
import io.surge.properties.SurgeUnderTest.Fate;
import io.surge.properties.SurgeUnderTest.Lost;
import io.surge.properties.SurgeUnderTest.Mode;
import io.surge.properties.SurgeUnderTest.Persisted;
import io.surge.properties.SurgeUnderTest.Refused;

import java.util.Map;

/**
 * The property: every event is refused at the edge with a 4xx problem, persisted, or dead-lettered with a
 * reason; never accepted and then lost. Where the spec is clear it says more: a small valid event is persisted,
 * an invalid one never is.
 */
final class FateRules {
  private FateRules() {}

  static void assertAcceptable(Mode mode, GeneratedEvent event, Fate fate) {
    Verdict verdict = verdictIn(mode, event);
    String context = " (" + mode + ", " + verdict + ")\n  event: " + event + "\n  fate: " + fate;
    if (fate instanceof Lost lost) {
      throw new AssertionError("accepted, then neither persisted nor dead-lettered: " + lost.detail() + context);
    }
    if (fate instanceof Refused refused) {
      if (refused.status() < 400 || refused.status() > 499) {
        throw new AssertionError("answered " + refused.status() + ", neither 202 nor 4xx" + context);
      }
      // 431 comes from the HTTP server itself, before any route: no problem body there
      if (refused.status() != 431 && !"application/problem+json".equals(refused.contentType())) {
        throw new AssertionError(refused.status() + " without an application/problem+json body" + context);
      }
      if (verdict == Verdict.VALID) {
        throw new AssertionError("a small valid event was refused" + context);
      }
    }
    if (fate instanceof DeadLettered dead) {
      if (dead.reason().isBlank()) {
        throw new AssertionError("dead-lettered without a " + "surge.dlq.reason" + context);
      }
      if (verdict == Verdict.VALID) {
        throw new AssertionError("a small valid event was dead-lettered" + context);
      }
    }
    if (fate instanceof Persisted row) {
      if (verdict == Verdict.INVALID) {
        throw new AssertionError("an invalid event was persisted" + context);
      }
      if (verdict == Verdict.VALID) {
        assertStoredAsSent(event, row, context);
      }
    }
  }

  /**
   * The verdict for this mode: binary HTTP carries attributes in headers, whose total size a server limits
   * (http.maxHeaderBytes, 8 KiB by default), so a valid event with large headers may get a 431 there.
   */
  static Verdict verdictIn(Mode mode, GeneratedEvent event) {
    Verdict verdict = event.verdict();
    if (verdict == Verdict.VALID && mode == Mode.HTTP_BINARY) {
      int bytes = 0;
      for (Map.Entry<String, String> h : event.httpHeaders().entrySet()) {
        bytes += h.getKey().length() + h.getValue().length() + 4;
      }
      if (bytes > 6000) {
        return Verdict.EDGY;
      }
    }
    return verdict;
  }

  private static void assertStoredAsSent(GeneratedEvent event, Persisted row, String context) {
    // the id carries the unique suffix of this send, so compare its start
    if (event.attribute("id") instanceof Str id && !row.id().startsWith(id.text())) {
      throw new AssertionError("stored id differs from the id sent: " + GeneratedEvent.Wire.describe(row.id()) + context);
    }
    if (event.attribute("source") instanceof Str source && !source.text().equals(row.source())) {
      throw new AssertionError("stored source differs: " + GeneratedEvent.Wire.describe(row.source()) + context);
    }
    if (event.attribute("type") instanceof Str type && !type.text().equals(row.type())) {
      throw new AssertionError("stored type differs: " + GeneratedEvent.Wire.describe(row.type()) + context);
    }
  }
}
