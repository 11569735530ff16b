package dev.ducklift.ducklake.write;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Parquet file written for a transaction, not yet committed.
 *
 * @param absolutePath where it is
 * @param relativePath its path relative to the table directory (hive directories included)
 * @param recordCount rows
 * @param fileSizeBytes exact size
 * @param footerSize the Thrift footer length
 * @param columnStats per leaf column (empty for delete files)
 * @param partitionValues one value per key of the partitioning it was written with, as text ({@code
 *     null} for a NULL value); empty for an unpartitioned file
 */
public record WrittenFile(
    String absolutePath,
    String relativePath,
    long recordCount,
    long fileSizeBytes,
    long footerSize,
    List<FileColumnStats> columnStats,
    List<String> partitionValues) {
  public WrittenFile {
    columnStats = List.copyOf(columnStats);
    partitionValues =
        partitionValues == null
            ? List.of()
            : Collections.unmodifiableList(new ArrayList<>(partitionValues));
  }

  /** An unpartitioned file. */
  public WrittenFile(
      String absolutePath,
      String relativePath,
      long recordCount,
      long fileSizeBytes,
      long footerSize,
      List<FileColumnStats> columnStats) {
    this(absolutePath, relativePath, recordCount, fileSizeBytes, footerSize, columnStats, null);
  }
}
