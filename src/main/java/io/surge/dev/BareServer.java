package io.surge.dev;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The benchmark ceiling: a Vert.x server that reads each request body and answers 202 with a small JSON body,
 * doing nothing else. Same event-loop count as Surge's ingest. {@code java ... BareServer <port> [instances]}.
 */
public final class BareServer extends VerticleBase {
  private static final Buffer ACCEPTED = Buffer.buffer("{\"count\":1,\"accepted\":[]}");
  private final int port;

  private BareServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
        .requestHandler(request -> request.body().onSuccess(body -> request.response().setStatusCode(202)
            .putHeader("Content-Type", "application/json").end(ACCEPTED)))
        .listen();
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    Vertx.vertx().deployVerticle(() -> new BareServer(port), new DeploymentOptions().setInstances(instances)).await();
    System.out.println("bare server on http://127.0.0.1:" + port);
  }
}
