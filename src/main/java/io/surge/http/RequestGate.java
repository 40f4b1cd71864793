package io.surge.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks every path segment and query parameter of a request against one rule ({@link UriText}) before the
 * router sees it. Text that is not valid is a client's mistake answered 400 here, where it costs one scan of the
 * URI: past this point Postgres refuses a NUL with a 500, and Vert.x Web logs a stack trace for a malformed
 * escape in the path.
 */
final class RequestGate implements Handler<HttpServerRequest> {
  private static final String TEXT_RULE = " must be percent-encoded UTF-8 text without control characters";

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
      if (UriText.decode(path, start, end, false) == null) {
        String name = parameterAt(path.split("/", -1), segment);
        return name == null ? Problems.malformed("the path" + TEXT_RULE)
            : Problems.badParameter(name, "path parameter " + name + TEXT_RULE);
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
      for (char c; end < query.length() && (c = query.charAt(end)) != '&' && c != ';'; end++) {
        equals = equals < 0 && c == '=' ? end : equals;
      }
      int nameEnd = equals < 0 ? end : equals;
      String name = UriText.decode(query, start, nameEnd, true);
      if (name == null) {
        String raw = query.substring(start, nameEnd);
        return Problems.badParameter(raw, "query parameter name '" + raw + "'" + TEXT_RULE);
      }
      if (equals >= 0 && UriText.decode(query, equals + 1, end, true) == null) {
        return Problems.badParameter(name, "query parameter " + name + TEXT_RULE);
      }
      start = end + 1;
    }
    return null;
  }
}
