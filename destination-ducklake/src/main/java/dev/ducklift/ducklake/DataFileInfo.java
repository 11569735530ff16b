package dev.ducklift.ducklake;

import java.util.Map;

/**
 * A live data file of a table, with its live delete file (if any) and column statistics.
 *
 * @param dataFileId the file id
 * @param tableId the table id
 * @param path the absolute path
 * @param recordCount rows in the file (deleted ones included)
 * @param fileSizeBytes the file size
 * @param rowIdStart the row id of the file's first row
 * @param beginSnapshot the snapshot that added it
 * @param deleteCount rows deleted by its live delete file (0 if none)
 * @param deleteFilePath the absolute path of the live delete file, or {@code null}
 * @param columnStats statistics by current column name (top-level primitive columns and nested
 *     leaves as {@code parent.child}); missing names have no statistics
 */
public record DataFileInfo(
    long dataFileId,
    long tableId,
    String path,
    long recordCount,
    long fileSizeBytes,
    long rowIdStart,
    long beginSnapshot,
    long deleteCount,
    String deleteFilePath,
    Map<String, ColumnStats> columnStats) {
  public DataFileInfo {
    columnStats = Map.copyOf(columnStats);
  }

  /** Rows of the file still visible. */
  public long liveRowCount() {
    return recordCount - deleteCount;
  }
}
