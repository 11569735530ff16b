package dev.ducklift.jdbc;

import dev.ducklift.core.DuckliftException;
import java.util.Locale;

/** How rows leave the database. */
public enum ReadMethod {
  /** {@link #COPY} when the dialect supports it, else {@link #PLAIN}. */
  AUTO,
  /** A streaming {@code SELECT} with a bounded fetch size, read value by value. */
  PLAIN,
  /**
   * PostgreSQL's {@code COPY (SELECT ...) TO STDOUT} in text format, parsed incrementally into the
   * same values as {@link #PLAIN}.
   */
  COPY;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ReadMethod fromConfigName(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new DuckliftException(
          "Unknown read method '" + name + "': expected auto, plain or copy", e);
    }
  }
}
