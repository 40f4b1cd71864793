package io.surge.security;

import java.util.Locale;

/** What a credential may do: send events, read them, administer keys. */
public enum Scope {
  INGEST, READ, ADMIN;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope named {@code name}, or null. */
  public static Scope parse(String name) {
    for (Scope s : values()) {
      if (s.wire().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
