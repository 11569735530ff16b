package dev.ducklift.core;

/**
 * The pipeline's working directory (state store, staging database) cannot be used and Ducklift
 * cannot recover it on its own: the file is held by another process, or the lake cannot prove that
 * nothing in a broken staging file is pending. The message names the file, the cause and what to
 * do. Nothing was promoted by the failed run.
 */
public class LocalStateException extends DuckliftException {
  private static final long serialVersionUID = 1L;

  public LocalStateException(String message) {
    super(message);
  }

  public LocalStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
