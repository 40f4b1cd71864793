package io.surge.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.surge.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

/**
 * One process's metrics in Prometheus form: Vert.x's own (HTTP requests by route template, method and status,
 * with latency histograms; pools; event loops), the JVM and process, and Surge's meters, which other classes
 * register on {@link #registry()}. No label holds a tenant, id or raw path. Also the process's {@link Tracing},
 * on only when the OTEL_* variables ask for it.
 */
public final class Metrics implements AutoCloseable {
  private static final java.util.Set<String> UNUSED_HTTP_SERVER_METERS = java.util.Set.of(
      "vertx.http.server.request.bytes", "vertx.http.server.response.bytes", "vertx.http.server.bytes.read",
      "vertx.http.server.bytes.written");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Tracing tracing;

  /** With the tracing the environment asks for (off by default). */
  public Metrics() {
    this(Tracing.fromEnvironment());
  }

  /** With {@code tracing} of the caller's making: tests hand one with an in-memory span exporter. */
  public Metrics(Tracing tracing) {
    this.tracing = tracing;
    // sizes of every request, response and socket read: recorded per request (or per read) on the event loop,
    // and of no use to an operator beyond what the body limits already bound
    registry.config().meterFilter(MeterFilter.deny(id -> UNUSED_HTTP_SERVER_METERS.contains(id.getName())));
    registry.config().meterFilter(LatencyBuckets.FILTER);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public Tracing tracing() {
    return tracing;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * A Vert.x instance that reports into this registry and, when tracing is on, traces its HTTP server requests
   * (the server's default policy, ALWAYS, continues an incoming {@code traceparent} and starts a trace without
   * one). When off it has no tracer at all, so requests pay nothing for tracing.
   */
  public Vertx vertx() {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true)
        .addLabels(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME);
    VertxBuilder builder = Vertx.builder().with(new VertxOptions().setMetricsOptions(options))
        .withMetrics(new MicrometerMetricsFactory(registry));
    if (tracing.on()) {
      builder.withTracer(new OpenTelemetryTracingFactory(tracing.openTelemetry()));
    }
    return builder.build();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
    tracing.close();
  }
}
