package io.surge.drills;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every (source, id) a client got a 202 for, with when it first got one. What a drill promises is that each of
 * these is in Postgres once the pipeline has drained, and nothing else is.
 */
final class Ledger {
  record EventKey(String source, String id) {}

  private final Map<EventKey, Long> firstAck = new ConcurrentHashMap<>();
  private final AtomicLong acks = new AtomicLong();

  void ack(EventKey key, long nanos) {
    acks.incrementAndGet();
    firstAck.putIfAbsent(key, nanos);
  }

  /** Distinct events acknowledged. */
  int size() {
    return firstAck.size();
  }

  /** Every 202, counting an event acknowledged twice (a retry of a request whose answer was lost) twice. */
  long acks() {
    return acks.get();
  }

  Set<EventKey> keys() {
    return Set.copyOf(firstAck.keySet());
  }

  long ackedAfter(long nanos) {
    return firstAck.values().stream().filter(t -> t - nanos > 0).count();
  }

  long ackedBefore(long nanos) {
    return firstAck.values().stream().filter(t -> t - nanos <= 0).count();
  }

  /** Distinct events acknowledged per second, from the first acknowledgement to the last. */
  double perSecond() {
    long first = firstAck.values().stream().min(Long::compare).orElse(0L);
    long last = firstAck.values().stream().max(Long::compare).orElse(0L);
    return last == first ? 0 : firstAck.size() * 1e9 / (last - first);
  }

  /** When the first event acknowledged after {@code nanos} was, or -1 if none was. */
  long firstAckAfter(long nanos) {
    return firstAck.values().stream().filter(t -> t - nanos > 0).min(Long::compare).orElse(-1L);
  }
}
