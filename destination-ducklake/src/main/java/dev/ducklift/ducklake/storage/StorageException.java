package dev.ducklift.ducklake.storage;

import dev.ducklift.ducklake.DuckLakeException;

/** A storage operation failed; the message names the location and the cause, never a secret. */
public class StorageException extends DuckLakeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
