package dev.ducklift.ducklake;

/**
 * A commit conflicts with what another writer committed since the transaction's base snapshot (for
 * example an append and a delete on one table, or a table dropped or altered meanwhile), or a
 * commit validator rejected it. Never retried automatically: the caller must rebuild the
 * transaction from the new state. Nothing of the commit is in the lake and its files were removed.
 */
public class LogicalConflictException extends DuckLakeException {
  private static final long serialVersionUID = 1L;

  public LogicalConflictException(String message) {
    super(message);
  }

  public LogicalConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
