package io.surge.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks every path segment and query parameter of a request against one rule ({@link UriText}) before the
 * router sees it. What fails is a client's mistake answered 400 here, where it costs one scan of the URI: past
 * this point Postgres refuses a NUL with a 500, and Vert.x Web logs a stack trace for a malformed escape in the
 * path. Text that is not valid is a bad-parameter naming the parameter; what is not percent-encoding at all is a
 * malformed request, as Vert.x Web already answered for the query.
 */
final class RequestGate implements Handler<HttpServerRequest> {
  private static final String TEXT_RULE = " must be percent-encoded UTF-8 text without control characters";
  private static final String NOT_ENCODED = " is not valid percent-encoding";

  private final Router router;
  private final List<String[]> templates = new ArrayList<>();

  /** Call once every route is mounted: their path templates name the parameter of a bad segment. */
  RequestGate(Router router) {
    this.router = router;
    for (Route route : router.getRoutes()) {
      if (route.getPath() != null && route.getPath().contains("/:")) {
        templates.add(route.getPath().split("/", -1));
      }
    }
  }

  @Override
  public void handle(HttpServerRequest request) {
    String path = request.path();
    ProblemException bad = path == null ? null : checkPath(path);
    if (bad != null) {
      ProblemRenderer.answer(request, bad, null);
      return;
    }
    bad = request.query() == null ? null : checkQuery(request.query());
    if (bad != null) {
      ProblemRenderer.answer(request, bad, path);
      return;
    }
    router.handle(request);
  }

  private ProblemException checkPath(String path) {
    int start = 0;
    for (int segment = 0; start <= path.length(); segment++) {
      int end = path.indexOf('/', start);
      end = end < 0 ? path.length() : end;
      if (!UriText.isValid(path, start, end, false)) {
        String name = parameterAt(path.split("/", -1), segment);
        boolean encoded = UriText.isPercentEncoded(path, start, end);
        if (name == null) {
          return Problems.malformed("the path" + (encoded ? TEXT_RULE : NOT_ENCODED));
        }
        return encoded ? Problems.badParameter(name, "path parameter " + name + TEXT_RULE)
            : Problems.malformed("path parameter " + name + NOT_ENCODED);
      }
      start = end + 1;
    }
    return null;
  }

  /** The name the route template matching every other segment gives segment {@code index}, or null. */
  private String parameterAt(String[] segments, int index) {
    for (String[] template : templates) {
      if (template.length != segments.length || !template[index].startsWith(":")) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < template.length && matches; i++) {
        matches = i == index || template[i].startsWith(":") || template[i].equals(segments[i]);
      }
      if (matches) {
        return template[index].substring(1);
      }
    }
    return null;
  }

  /** Splits as Netty's QueryStringDecoder does, which fills Vert.x Web's query parameters: on & and ;. */
  private static ProblemException checkQuery(String query) {
    int start = 0;
    while (start < query.length()) {
      int end = start;
      int equals = -1;
      while (end < query.length() && query.charAt(end) != '&' && query.charAt(end) != ';') {
        if (equals < 0 && query.charAt(end) == '=') {
          equals = end;
        }
        end++;
      }
      int nameEnd = equals < 0 ? end : equals;
      if (!UriText.isValid(query, start, nameEnd, true)) {
        String raw = query.substring(start, nameEnd);
        return UriText.isPercentEncoded(query, start, nameEnd)
            ? Problems.badParameter(raw, "query parameter name '" + raw + "'" + TEXT_RULE)
            : Problems.malformed("query parameter name '" + raw + "'" + NOT_ENCODED);
      }
      if (equals >= 0 && !UriText.isValid(query, equals + 1, end, true)) {
        String name = UriText.decode(query, start, nameEnd, true);
        return UriText.isPercentEncoded(query, equals + 1, end)
            ? Problems.badParameter(name, "query parameter " + name + TEXT_RULE)
            : Problems.malformed("query parameter " + name + NOT_ENCODED);
      }
      start = end + 1;
    }
    return null;
  }
}
