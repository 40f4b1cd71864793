package io.surge.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.surge.http.ProblemException;
import io.surge.http.Problems;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ingest's meters: events accepted, requests refused by problem type (a fixed set: the slugs of
 * {@link Problems}), and events sent to Kafka and not yet acknowledged.
 */
public final class IngestMeters {
  private final MeterRegistry registry;
  private final Counter accepted;
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

  public IngestMeters(MeterRegistry registry, InflightLimit inflight) {
    this.registry = registry;
    this.accepted = Counter.builder("surge.ingest.events.accepted")
        .description("events Kafka acknowledged (202 or 201)").register(registry);
    Gauge.builder("surge.ingest.events.inflight", inflight, InflightLimit::inflight)
        .description("events sent to Kafka and not yet acknowledged").register(registry);
  }

  void accepted(int events) {
    accepted.increment(events);
  }

  /** A refused ingest request, by the type of its problem ({@code internal} for anything else). */
  void rejected(Throwable failure) {
    String reason = failure instanceof ProblemException p && p.type().startsWith(Problems.TYPE_PREFIX)
        ? p.type().substring(Problems.TYPE_PREFIX.length()) : "internal";
    rejected.computeIfAbsent(reason, r -> Counter.builder("surge.ingest.requests.rejected").tag("reason", r)
        .description("ingest requests answered with a problem").register(registry)).increment();
  }
}
