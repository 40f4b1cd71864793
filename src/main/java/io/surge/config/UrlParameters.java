package io.surge.config;

import java.util.ArrayList;
import java.util.List;

/** Query parameters of a connection URL ({@code ?sslmode=require&sslrootcert=/ca.pem}), read and replaced. */
public final class UrlParameters {
  private UrlParameters() {}

  /** The value of {@code name}, or null when the URL has none. */
  public static String get(String url, String name) {
    for (String parameter : parameters(url)) {
      if (parameter.startsWith(name + "=")) {
        return parameter.substring(name.length() + 1);
      }
    }
    return null;
  }

  /** {@code url} with {@code name=value} as its only {@code name} parameter. */
  public static String with(String url, String name, String value) {
    List<String> kept = others(url, name);
    kept.add(name + "=" + value);
    return base(url) + "?" + String.join("&", kept);
  }

  /** {@code url} without its {@code name} parameter. */
  public static String without(String url, String name) {
    List<String> kept = others(url, name);
    return kept.isEmpty() ? base(url) : base(url) + "?" + String.join("&", kept);
  }

  private static List<String> others(String url, String name) {
    List<String> kept = new ArrayList<>();
    for (String parameter : parameters(url)) {
      if (!parameter.isEmpty() && !parameter.startsWith(name + "=")) {
        kept.add(parameter);
      }
    }
    return kept;
  }

  private static List<String> parameters(String url) {
    int q = url.indexOf('?');
    return q < 0 ? List.of() : List.of(url.substring(q + 1).split("&"));
  }

  private static String base(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }
}
