package dev.ducklift.ducklake;

/**
 * Statistics of one column in one data file ({@code ducklake_file_column_stats}). Bounds are
 * DuckDB-castable text and valid but not necessarily tight; {@code null} means unknown.
 *
 * @param columnId the column id (the Parquet field id)
 * @param valueCount non-NULL values, or {@code null}
 * @param nullCount NULL values, or {@code null}
 * @param minValue lower bound, or {@code null}
 * @param maxValue upper bound, or {@code null}
 * @param containsNan whether NaN occurs (floating point only), or {@code null}
 */
public record ColumnStats(
    long columnId,
    Long valueCount,
    Long nullCount,
    String minValue,
    String maxValue,
    Boolean containsNan) {}
