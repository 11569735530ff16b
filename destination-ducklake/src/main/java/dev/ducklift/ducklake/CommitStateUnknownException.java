package dev.ducklift.ducklake;

/**
 * The catalog connection broke while a commit was being confirmed and the catalog could not be read
 * back to find out whether the snapshot landed. The commit may or may not be in the lake; its files
 * are kept (they may be referenced). Look for the snapshot before trying again.
 */
public class CommitStateUnknownException extends DuckLakeException {
  private static final long serialVersionUID = 1L;

  public CommitStateUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
