package dev.ducklift.ducklake.write;

/**
 * One {@code ducklake_file_column_stats} row's values, as DuckDB's Parquet writer reported them.
 * {@code null} means unknown.
 */
public record FileColumnStats(
    long columnId,
    Long columnSizeBytes,
    Long valueCount,
    Long nullCount,
    String minValue,
    String maxValue,
    Boolean containsNan) {}
