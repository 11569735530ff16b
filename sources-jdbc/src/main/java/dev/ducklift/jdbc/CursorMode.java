package dev.ducklift.jdbc;

import dev.ducklift.core.DuckliftException;
import java.util.Locale;

/**
 * How a table is read incrementally, after Kafka Connect's JDBC source modes.
 *
 * <ul>
 *   <li>{@link #INCREMENTING}: a strictly increasing column (an identity or sequence id); each run
 *       reads {@code id > last}.
 *   <li>{@link #TIMESTAMP}: a modification or event time; each run reads {@code ts >= last - lag},
 *       so rows committed late (within the lag) are not missed; the overlap is removed downstream
 *       by primary key ({@code insert-new} or {@code merge}).
 *   <li>{@link #TIMESTAMP_INCREMENTING}: a timestamp plus a unique, increasing id that breaks ties
 *       strictly: {@code ts > last_ts OR (ts = last_ts AND id > last_id)}, so rows sharing the last
 *       timestamp are neither lost nor read twice.
 * </ul>
 */
public enum CursorMode {
  INCREMENTING,
  TIMESTAMP,
  TIMESTAMP_INCREMENTING;

  /**
   * The configuration spelling: {@code incrementing}, {@code timestamp}, {@code
   * timestamp+incrementing}.
   */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '+');
  }

  /** Parses the configuration spelling ({@code +}, {@code _} or {@code -} between the words). */
  public static CursorMode fromConfigName(String name) {
    String normalized = name.trim().toUpperCase(Locale.ROOT).replace('+', '_').replace('-', '_');
    try {
      return valueOf(normalized);
    } catch (IllegalArgumentException e) {
      throw new DuckliftException(
          "Unknown cursor mode '"
              + name
              + "': expected incrementing, timestamp or timestamp+incrementing",
          e);
    }
  }
}
