package io.surge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surge.config.Redaction;
import io.surge.ops.RequestIds;
import io.surge.security.Principal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one place that writes RFC 9457 application/problem+json: the failure handler of every route, and the
 * answer to requests turned away before routing ({@link RequestGate}, {@link CodecFailures}).
 */
public final class ProblemRenderer implements Handler<RoutingContext> {
  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(ProblemRenderer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long LINGER_MS = 1000;

  @Override
  public void handle(RoutingContext ctx) {
    // a failure handler runs later than the routing that RequestIds.around covers: the id goes in the MDC again
    MDC.put(RequestIds.MDC_REQUEST_ID, RequestIds.of(ctx.request()));
    ProblemException problem;
    try {
      problem = toProblem(ctx);
    } finally {
      MDC.remove(RequestIds.MDC_REQUEST_ID);
      MDC.remove(RequestIds.MDC_TENANT);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    answer(ctx.request(), problem, ctx.request().path());
  }

  /**
   * Writes {@code problem} as the answer to {@code request}; {@code instance} may be null. A request refused
   * before its body was read loses its connection after the answer: left open, the rest of the body would hold it
   * until the idle timeout (or, paused, block a client that writes it all before reading).
   */
  static void answer(HttpServerRequest request, ProblemException problem, String instance) {
    HttpServerResponse response = request.response();
    response.setStatusCode(problem.status()).putHeader("Content-Type", PROBLEM_JSON);
    if (problem.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"surge\"");
    }
    if (problem.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", problem.retryAfterSeconds().toString());
    }
    if (request.version() != HttpVersion.HTTP_2 && (request.decoderResult().isFailure() || bodyStillComing(request))) {
      response.putHeader("Connection", "close");
      // closes once the rest of the body has arrived (and been dropped), at the latest after LINGER: closing at
      // once, with the client's data still unread, would reset the connection and could lose the answer
      request.connection().shutdown(LINGER_MS, TimeUnit.MILLISECONDS);
      request.handler(null).resume();
    }
    response.end(render(problem, instance, RequestIds.of(request)));
  }

  /** A GET is often answered before its empty end arrives: only a declared body still coming means closing. */
  private static boolean bodyStillComing(HttpServerRequest request) {
    if (request.isEnded()) {
      return false;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null && !length.equals("0") || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  private static ProblemException toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException p) {
      if (p.status() >= 500 && p.getCause() != null) {
        tenantToMdc(ctx);
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
    if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      // Vert.x's other rejections: no Host header, a body the codec could not read
      return ctx.statusCode() == 400 ? Problems.malformed("the request could not be read: " + failure.getMessage())
          : Problems.forStatus(ctx.statusCode());
    }
    if (failure instanceof HttpClosedException) {
      // the client hung up mid-request: nobody reads this answer, and it is no failure of Surge's
      LOG.debug("{} {}: the client closed the connection", ctx.request().method(), ctx.request().path());
      return Problems.malformed("the connection closed before the request was complete");
    }
    tenantToMdc(ctx);
    LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    return Problems.internal();
  }

  /** Only before a line is logged: a request refused before authentication has no tenant, and finding out throws. */
  private static void tenantToMdc(RoutingContext ctx) {
    try {
      MDC.put(RequestIds.MDC_TENANT, Principal.of(ctx).tenant());
    } catch (IllegalStateException notAuthenticated) {
      // no tenant known
    }
  }

  static String render(ProblemException p, String instance, String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", p.type());
    body.put("title", p.title());
    body.put("status", p.status());
    body.put("detail", p.detail());
    if (instance != null) {
      body.put("instance", instance);
    }
    body.putAll(p.extensions());
    body.put("requestId", requestId);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("problem bodies hold only plain values", e);
    }
  }
}
