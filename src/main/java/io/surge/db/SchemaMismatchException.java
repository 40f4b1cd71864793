package io.surge.db;

/** The database's schema is not the one this Surge's migrations made: start-up stops; the message is one line. */
public final class SchemaMismatchException extends IllegalStateException {
  public SchemaMismatchException(String message) {
    super(message);
  }
}
