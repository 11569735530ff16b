package dev.ducklift.core;

/**
 * Root of every unchecked exception thrown by Ducklift. Messages are capitalised, name the
 * pipeline, resource, table, page or row involved, and chain the cause.
 */
public class DuckliftException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DuckliftException(String message) {
    super(message);
  }

  public DuckliftException(String message, Throwable cause) {
    super(message, cause);
  }
}
