package dev.ducklift.ducklake;

import dev.ducklift.core.DuckliftException;

/** A DuckLake operation failed: the catalog cannot be reached or read, a file cannot be written. */
public class DuckLakeException extends DuckliftException {
  private static final long serialVersionUID = 1L;

  public DuckLakeException(String message) {
    super(message);
  }

  public DuckLakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
