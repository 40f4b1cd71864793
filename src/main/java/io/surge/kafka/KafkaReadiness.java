package io.surge.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.util.function.Supplier;

/** Kafka is ready when a broker answers a cluster description within the timeout. */
public final class KafkaReadiness implements Supplier<Future<?>> {
  private final Vertx vertx;
  private final Admin admin;
  private final int timeoutMs;

  public KafkaReadiness(Vertx vertx, Admin admin, int timeoutMs) {
    this.vertx = vertx;
    this.admin = admin;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<?> get() {
    return Future.fromCompletionStage(
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes().toCompletionStage(),
        vertx.getOrCreateContext());
  }
}
