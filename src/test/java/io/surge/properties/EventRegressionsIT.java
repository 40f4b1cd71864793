package io.surge.properties;

import io.surge.properties.GeneratedEvent.JsonData;
import io.surge.properties.GeneratedEvent.RawUtf8;
import io.surge.properties.GeneratedEvent.Str;
import io.surge.properties.GeneratedEvent.Verdict;
import io.surge.properties.SurgeUnderTest.Fate;
import io.surge.properties.SurgeUnderTest.Mode;
import io.surge.properties.SurgeUnderTest.Persisted;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The counterexamples {@link EventPropertiesIT} found, shrunk, one test each: the event is refused with a 4xx
 * problem, persisted or dead-lettered within 15 s, and then a plain event is still persisted within 5 s (the
 * workers survived it). Each fails within about 20 s.
 */
class EventRegressionsIT {
  private static final Duration WITHIN = Duration.ofSeconds(15);
  private static final Duration ALIVE_WITHIN = Duration.ofSeconds(5);
  private static SurgeUnderTest surge;

  @BeforeAll
  static void startSurge() {
    surge = SurgeUnderTest.start("regressions-it");
  }

  @AfterAll
  static void stopSurge() {
    surge.close();
  }

  @BeforeEach
  void freshNodeAfterALostEvent() {
    surge.replaceIfBroken();
  }

  // --- time

  @Test
  void offsetBeyondEighteenHoursIsPersisted() {
    assertSurvives(Mode.HTTP_STRUCTURED, plain().with("time", valid("2026-01-01T00:00:00+19:00")));
  }

  @Test
  void offsetBeyondEighteenHoursFromAKafkaIngressTopicIsPersisted() {
    assertSurvives(Mode.KAFKA_BINARY, plain().with("time", valid("2026-01-01T00:00:00-23:59")));
  }

  /** RecordDecodingPropertiesTest shrank to the first offset past the limit of java.time.ZoneOffset. */
  @Test
  void offsetOfEighteenHoursAndOneMinuteFromAKafkaIngressTopicIsPersisted() {
    assertSurvives(Mode.KAFKA_STRUCTURED, plain().with("time", valid("0000-01-01T00:00:00+18:01")));
  }

  // --- attributes over a thousand bytes

  @Test
  void sixThousandCharacterSubjectIsRefusedOrPersisted() {
    assertSurvives(Mode.HTTP_STRUCTURED, plain().with("subject", edgy(noise(6000))));
  }

  @Test
  void threeThousandCharacterIdIsRefusedOrPersisted() {
    assertSurvives(Mode.HTTP_STRUCTURED, plain().with("id", edgy(noise(3000))));
  }

  @Test
  void threeThousandCharacterSourceIsRefusedOrPersisted() {
    assertSurvives(Mode.HTTP_STRUCTURED, plain().with("source", edgy("/" + noise(2999))));
  }

  @Test
  void threeThousandCharacterTypeIsRefusedOrPersisted() {
    assertSurvives(Mode.HTTP_STRUCTURED, plain().with("type", edgy(noise(3000))));
  }

  @Test
  void sixThousandCharacterSubjectFromAKafkaIngressTopicIsPersistedOrDeadLettered() {
    assertSurvives(Mode.KAFKA_BINARY, plain().with("subject", edgy(noise(6000))));
  }

  // --- data jsonb cannot hold

  @Test
  void hugeExponentInDataIsRefusedOrPersisted() {
    assertSurvives(Mode.HTTP_STRUCTURED, plain().withData(json("1e1000000")));
  }

  @Test
  void tinyExponentInDataIsRefusedOrPersisted() {
    assertSurvives(Mode.HTTP_STRUCTURED, plain().withData(json("1e-1000000")));
  }

  @Test
  void hugeExponentFromAKafkaIngressTopicIsPersistedOrDeadLettered() {
    assertSurvives(Mode.KAFKA_STRUCTURED, plain().withData(json("1e1000000")));
  }

  @Test
  void loneSurrogateInDataIsRefusedOrPersisted() {
    assertSurvives(Mode.HTTP_STRUCTURED, plain().withData(json("\"\\ud800\"")));
  }

  @Test
  void loneSurrogateInABinaryJsonBodyIsRefusedOrPersisted() {
    assertSurvives(Mode.HTTP_BINARY, plain().with("datacontenttype", valid("application/json"))
        .withData(json("{\"a\":\"\\udc00\"}")));
  }

  @Test
  void overlongUtf8InAStructuredBodyIsRefusedOrPersisted() {
    byte[] overlong = new RawUtf8(new byte[] {(byte) 0xc0, (byte) 0xaf}).json();
    assertSurvives(Mode.HTTP_STRUCTURED, plain().withData(new JsonData(overlong, Verdict.EDGY, "\"<C0 AF>\"")));
  }

  // --- helpers

  /** The event's fate is acceptable for its verdict, and the workers still persist a plain event afterwards. */
  private static void assertSurvives(Mode mode, GeneratedEvent event) {
    FateRules.assertAcceptable(mode, event, surge.send(mode, event, WITHIN));
    Fate after = surge.send(Mode.HTTP_STRUCTURED, plain(), ALIVE_WITHIN);
    if (!(after instanceof Persisted)) {
      throw new AssertionError("after " + event + " (" + mode + "), a plain event was not persisted: " + after);
    }
  }

  private static GeneratedEvent plain() {
    return CloudEventArbitraries.plain("regression-" + UUID.randomUUID());
  }

  /** Letters and digits that do not compress: Postgres compresses a value before indexing it. */
  private static String noise(int length) {
    return CloudEventArbitraries.mix(java.util.Arrays.asList("abcdefghijklmnopqrstuvwxyz0123456789".split("")), length, 7);
  }

  private static Str valid(String s) {
    return new Str(s, Verdict.VALID);
  }

  private static Str edgy(String s) {
    return new Str(s, Verdict.EDGY);
  }

  private static JsonData json(String text) {
    return new JsonData(text.getBytes(StandardCharsets.UTF_8), Verdict.EDGY, text);
  }
}
