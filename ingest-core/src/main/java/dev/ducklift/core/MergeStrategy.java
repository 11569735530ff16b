package dev.ducklift.core;

import java.util.Locale;

/** How {@link WriteDisposition#MERGE} combines a load with the rows already in the destination. */
public enum MergeStrategy {
  /** Rows with a staged primary key are replaced by the staged version (the default). */
  UPSERT,
  /**
   * Every destination row whose merge key appears in the load ends, then the load's rows are
   * written; with a primary key as well, staged duplicates collapse by key.
   */
  DELETE_INSERT,
  /**
   * Slowly changing dimension, type 2: every version of a row is kept with its validity interval
   * ({@code _dl_valid_from}, {@code _dl_valid_to}) and a hash of its data ({@code
   * _dl_version_hash}).
   */
  SCD2;

  /** The configuration spelling: {@code upsert}, {@code delete-insert}, {@code scd2}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses the configuration spelling (case-insensitive, {@code -} or {@code _}). */
  public static MergeStrategy fromConfigName(String name) {
    String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return valueOf(normalized);
    } catch (IllegalArgumentException e) {
      throw new DuckliftException(
          "Unknown merge strategy '" + name + "': expected upsert, delete-insert or scd2", e);
    }
  }
}
