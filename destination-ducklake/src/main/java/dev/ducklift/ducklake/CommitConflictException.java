package dev.ducklift.ducklake;

/**
 * A commit lost the race for its snapshot id against concurrent writers on every attempt (the
 * retries were exhausted). Retryable: building and committing the same transaction again may
 * succeed. Nothing of the commit is in the lake and its files were removed.
 */
public class CommitConflictException extends DuckLakeException {
  private static final long serialVersionUID = 1L;

  public CommitConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
