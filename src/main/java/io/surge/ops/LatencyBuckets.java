package io.surge.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

import java.time.Duration;
import java.util.stream.Stream;

/**
 * Buckets for Vert.x's HTTP server response time, so that Prometheus can compute percentiles across instances
 * ({@code histogram_quantile}); thirteen fixed bounds rather than Micrometer's seventy-odd, per route, method and
 * status.
 */
final class LatencyBuckets {
  private static final String RESPONSE_TIME = "vertx.http.server.response.time";
  private static final double[] BOUNDS_NANOS = Stream.of(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
      .mapToDouble(ms -> ms.doubleValue() * Duration.ofMillis(1).toNanos()).toArray();

  static final MeterFilter FILTER = new MeterFilter() {
    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
      if (!id.getName().equals(RESPONSE_TIME)) {
        return config;
      }
      return DistributionStatisticConfig.builder().serviceLevelObjectives(BOUNDS_NANOS).build().merge(config);
    }
  };

  private LatencyBuckets() {}
}
