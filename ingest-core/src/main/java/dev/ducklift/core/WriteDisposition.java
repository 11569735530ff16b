package dev.ducklift.core;

/** How the rows of a load are written into a destination table. */
public enum WriteDisposition {
  /** Rows are added as staged. */
  APPEND,
  /**
   * Rows whose primary key already exists in the destination are skipped; duplicates within one
   * load collapse to one (the last by cursor). The default for resources with a primary key and a
   * cursor.
   */
  INSERT_NEW,
  /** Upsert by primary key: existing rows with the same key are replaced. */
  MERGE,
  /** The table's live rows end and the load's rows appear, in one destination commit. */
  REPLACE;

  /**
   * The configuration spelling: {@code append}, {@code insert-new}, {@code merge}, {@code replace}.
   */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** Parses the configuration spelling (case-insensitive, {@code -} or {@code _}). */
  public static WriteDisposition fromConfigName(String name) {
    String normalized = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    try {
      return valueOf(normalized);
    } catch (IllegalArgumentException e) {
      throw new DuckliftException(
          "Unknown write disposition '" + name + "': expected append, insert-new, merge or replace",
          e);
    }
  }
}
