package io.surge.properties;

import io.surge.properties.SurgeUnderTest.Fate;
import io.surge.properties.SurgeUnderTest.Mode;
import io.surge.properties.SurgeUnderTest.Persisted;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;

import java.time.Duration;
import java.util.UUID;

/**
 * Generated CloudEvents (valid, at every limit, invalid) sent to one Surge node over HTTP and through a Kafka
 * ingress topic, structured and binary. For each: a 4xx problem at the edge, or a row in Postgres, or a dead
 * letter with a reason, within {@link #WITHIN}; never accepted and lost. After each property the workers are
 * alive: a fresh plain event sent both ways is persisted.
 *
 * <p>{@code -Dsurge.properties.knownBugs=false} keeps the generators away from the bugs already reported
 * (see {@link CloudEventArbitraries}); {@code -Djqwik.tries.default=N} changes the tries per mode (100, see junit-platform.properties).
 */
class EventPropertiesIT {
  static final Duration WITHIN = Duration.ofSeconds(Integer.getInteger("surge.properties.withinSeconds", 20));
  private static SurgeUnderTest surge;

  @BeforeContainer
  static void startSurge() {
    surge = SurgeUnderTest.start("properties-it");
  }

  @AfterContainer
  static void stopSurge() {
    if (surge != null) {
      System.out.println("EventPropertiesIT: nodes replaced after a lost event: " + surge.restarts());
      surge.close();
    }
  }

  @BeforeTry
  void freshNodeAfterALostEvent() {
    surge.replaceIfBroken();
  }

  @AfterProperty
  void workersAreAliveAndAFreshEventIsPersisted() {
    // the last try (or shrinking step) may have lost an event: that failure is reported already
    surge.replaceIfBroken();
    for (Mode mode : new Mode[] {Mode.HTTP_STRUCTURED, Mode.KAFKA_BINARY}) {
      GeneratedEvent plain = CloudEventArbitraries.plain("alive-" + UUID.randomUUID());
      Fate fate = surge.send(mode, plain, WITHIN);
      if (!(fate instanceof Persisted)) {
        throw new AssertionError("after the property, a plain event sent " + mode + " was not persisted: " + fate);
      }
    }
  }

  @Provide
  Arbitrary<GeneratedEvent> events() {
    return CloudEventArbitraries.events();
  }

  @Property
  void overHttpStructuredEveryEventIsRefusedPersistedOrDeadLettered(@ForAll("events") GeneratedEvent event) {
    check(Mode.HTTP_STRUCTURED, event);
  }

  @Property
  void overHttpBinaryEveryEventIsRefusedPersistedOrDeadLettered(@ForAll("events") GeneratedEvent event) {
    check(Mode.HTTP_BINARY, event);
  }

  @Property
  void fromAKafkaIngressTopicStructuredEveryRecordIsPersistedOrDeadLettered(@ForAll("events") GeneratedEvent event) {
    check(Mode.KAFKA_STRUCTURED, event);
  }

  @Property
  void fromAKafkaIngressTopicBinaryEveryRecordIsPersistedOrDeadLettered(@ForAll("events") GeneratedEvent event) {
    check(Mode.KAFKA_BINARY, event);
  }

  private static void check(Mode mode, GeneratedEvent event) {
    Fate fate = surge.send(mode, event, WITHIN);
    // printed with each property: shows the tries were not all refused (or all persisted)
    Statistics.label("verdict -> fate").collect(FateRules.verdictIn(mode, event), fate.getClass().getSimpleName());
    FateRules.assertAcceptable(mode, event, fate);
  }
}
