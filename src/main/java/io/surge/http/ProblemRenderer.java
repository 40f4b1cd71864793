package io.surge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surge.config.Redaction;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/** The one failure handler: turns whatever failed a route into an RFC 9457 application/problem+json answer. */
public final class ProblemRenderer implements Handler<RoutingContext> {
  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(ProblemRenderer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void handle(RoutingContext ctx) {
    ProblemException problem = toProblem(ctx);
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(problem.status()).putHeader("Content-Type", PROBLEM_JSON);
    if (problem.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"surge\"");
    }
    if (problem.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", problem.retryAfterSeconds().toString());
    }
    response.end(render(problem, ctx.request().path()));
  }

  private static ProblemException toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException p) {
      if (p.status() >= 500 && p.getCause() != null) {
        LOG.warn("{} {} answered {}: {}", ctx.request().method(), ctx.request().path(), p.status(),
            Redaction.redact(p.getCause().toString()));
      }
      return p;
    }
    if (failure == null) {
      return Problems.forStatus(ctx.statusCode() < 0 ? 500 : ctx.statusCode());
    }
    if (failure instanceof HttpException http && http.getStatusCode() >= 400 && http.getStatusCode() < 500) {
      // Vert.x Web's own rejections of what the client sent, like a query string that is not valid percent-encoding
      return Problems.forStatus(http.getStatusCode());
    }
    LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    return Problems.internal();
  }

  static String render(ProblemException p, String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", p.type());
    body.put("title", p.title());
    body.put("status", p.status());
    body.put("detail", p.detail());
    body.put("instance", instance);
    body.putAll(p.extensions());
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("problem bodies hold only plain values", e);
    }
  }
}
