package io.surge.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Whether this process traces, and the OpenTelemetry it traces with. Off unless {@code OTEL_TRACES_EXPORTER}
 * (or {@code -Dotel.traces.exporter}) names an exporter other than {@code none} and {@code OTEL_SDK_DISABLED} is
 * not {@code true}; then the SDK is built by OpenTelemetry's autoconfigure from the standard {@code OTEL_*}
 * variables, with service name {@code surge} and no metrics or logs export unless those variables say otherwise.
 *
 * <p>When off, {@link #publishSpans}, {@link #persistSpans} and {@link #deadLetterSpans} are null: the hot paths test one final field and
 * never touch OpenTelemetry.
 */
public final class Tracing implements AutoCloseable {
  public static final Tracing OFF = new Tracing(null, null);
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk owned;

  private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk owned) {
    this.openTelemetry = openTelemetry;
    this.owned = owned;
  }

  /** Traces with {@code openTelemetry}, which the caller owns and closes (tests hand an in-memory exporter). */
  public static Tracing with(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry, null);
  }

  /** From the process's environment and system properties, see the class comment. */
  public static Tracing fromEnvironment() {
    return fromEnvironment(name -> {
      String property = System.getProperty(name.toLowerCase().replace('_', '.'));
      return property != null ? property : System.getenv(name);
    });
  }

  static Tracing fromEnvironment(UnaryOperator<String> variables) {
    if (!enabled(variables)) {
      return OFF;
    }
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        // defaults only: OTEL_* variables and system properties win over these
        .addPropertiesSupplier(() -> Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
        // not otel.service.name: that would also beat a service.name in OTEL_RESOURCE_ATTRIBUTES
        .addResourceCustomizer((resource, config) -> unnamed(resource)
            ? resource.merge(Resource.create(Attributes.of(SERVICE_NAME, "surge"))) : resource)
        .build().getOpenTelemetrySdk();
    return new Tracing(sdk, sdk);
  }

  static boolean enabled(UnaryOperator<String> variables) {
    String exporter = variables.apply("OTEL_TRACES_EXPORTER");
    return !"true".equalsIgnoreCase(trim(variables.apply("OTEL_SDK_DISABLED")))
        && exporter != null && !exporter.isBlank() && !"none".equalsIgnoreCase(exporter.trim());
  }

  private static boolean unnamed(Resource resource) {
    String name = resource.getAttribute(SERVICE_NAME);
    return name == null || name.startsWith("unknown_service");
  }

  private static String trim(String value) {
    return value == null ? null : value.trim();
  }

  public boolean on() {
    return openTelemetry != null;
  }

  /** The OpenTelemetry of Vert.x's HTTP server spans; null when off. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** The publish spans of records sent to {@code topic}, or null when off. */
  public PublishSpans publishSpans(String topic) {
    return openTelemetry == null ? null : new PublishSpans(openTelemetry, topic);
  }

  /** The spans of dead letters sent to {@code topic}, or null when off. */
  public DeadLetterSpans deadLetterSpans(String topic) {
    return openTelemetry == null ? null : new DeadLetterSpans(openTelemetry, topic);
  }

  /** The persist spans of the worker, or null when off. */
  public PersistSpans persistSpans() {
    return openTelemetry == null ? null : new PersistSpans(openTelemetry);
  }

  /** Flushes and stops the SDK this built itself; one handed in stays its owner's. */
  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}
