package dev.ducklift.ducklake.verify;

/** The rules {@link LakeVerifier} checks. */
public enum Check {
  /** Catalog tables exist with exactly the DuckLake 1.0 columns, in order. */
  CATALOG_LAYOUT,
  /** Metadata keys: version, data_path, encrypted. */
  METADATA,
  /** Snapshot rows: changes rows present, time and counters monotone, references in range. */
  SNAPSHOTS,
  /** {@code schema_version} bumps and {@code ducklake_schema_versions} rows. */
  SCHEMA_VERSIONS,
  /** {@code changes_made} tokens from the allowed set, well formed. */
  CHANGES,
  /** next_catalog_id / next_file_id above every used id; no overlapping versions of one id. */
  IDS,
  /** A referenced file is missing or unreadable. */
  MISSING_FILE,
  /** Recorded {@code file_size_bytes} or {@code footer_size} differ from the file. */
  FILE_SIZE,
  /** Recorded {@code record_count} / {@code delete_count} differ from the file. */
  ROW_COUNT,
  /** Parquet field ids missing or not equal to column ids. */
  FIELD_IDS,
  /** File or table statistics do not bound the data. */
  STATS,
  /** More than one delete file visible for a data file at some snapshot. */
  DELETE_FILES,
  /** Delete positions not sorted, not unique, out of range, or repeated in inlined deletes. */
  DELETE_POSITIONS,
  /** A file path resolves outside the data path, or two catalog rows share one file. */
  PATHS,
  /** A file scheduled for deletion is still referenced by a data or delete file. */
  SCHEDULED_FILES,
  /** Inlined-data tables registered but missing, or without schema_versions rows. */
  INLINED
}
