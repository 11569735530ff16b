package dev.ducklift.ducklake.write;

import java.util.List;

/**
 * A Parquet file written for a transaction, not yet committed.
 *
 * @param absolutePath where it is
 * @param relativePath its path relative to the table directory
 * @param recordCount rows
 * @param fileSizeBytes exact size
 * @param footerSize the Thrift footer length
 * @param columnStats per leaf column (empty for delete files)
 */
public record WrittenFile(
    String absolutePath,
    String relativePath,
    long recordCount,
    long fileSizeBytes,
    long footerSize,
    List<FileColumnStats> columnStats) {
  public WrittenFile {
    columnStats = List.copyOf(columnStats);
  }
}
