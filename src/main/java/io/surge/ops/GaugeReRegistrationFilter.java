package io.surge.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's "This Gauge has been already registered" warning, and only that. Vert.x registers its
 * connection and queue gauges once per server, client and pool instance and keeps one shared value per meter id,
 * so the re-registration is by design and nothing is lost; Micrometer warns about it once per process, at
 * whatever moment the second instance appears (vert-x3/vertx-micrometer-metrics#259,
 * micrometer-metrics/micrometer#6931). Installed by logback.xml.
 */
public final class GaugeReRegistrationFilter extends TurboFilter {
  static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
  private static final String MESSAGE = "This Gauge has been already registered";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    return format != null && format.startsWith(MESSAGE) && logger.getName().equals(LOGGER)
        ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
