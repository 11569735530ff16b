package dev.ducklift.ducklake.catalog;

import dev.ducklift.ducklake.DuckLakeException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A DuckDB catalog file stayed held by another process for longer than the busy timeout. A DuckDB
 * file can be open in one process at a time; a PostgreSQL catalog is the way to share a lake
 * between processes.
 */
public final class CatalogBusyException extends DuckLakeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  CatalogBusyException(Path file, Duration busyTimeout, Throwable cause) {
    super(
        "The DuckDB catalog file "
            + file
            + " is in use by another process; waited "
            + describe(busyTimeout)
            + " (the busy timeout) for it. A DuckDB catalog can be open in one process at a time:"
            + " to share a lake between processes, use a PostgreSQL catalog ("
            + cause.getMessage()
            + ")",
        cause);
    this.file = file;
  }

  /** The catalog file. */
  public Path file() {
    return file;
  }

  private static String describe(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
  }
}
