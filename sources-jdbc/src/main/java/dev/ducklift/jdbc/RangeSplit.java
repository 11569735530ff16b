package dev.ducklift.jdbc;

import dev.ducklift.core.DuckliftException;
import java.util.Objects;

/**
 * Splits one table into {@code parts} contiguous ranges of a numeric, date or timestamp column.
 *
 * <p>The first range is open below and the last open above (rows with a null split value belong to
 * the first), so the ranges cover every row exactly once whatever the bounds are. The inner
 * boundaries divide {@code [lower, upper]} evenly; when the bounds are not given they are the
 * column's minimum and maximum, read when the resource starts. Workers that run as separate
 * processes ({@link JdbcTable.Builder#shard}) should be given explicit bounds so that every worker
 * computes the same boundaries even while rows are inserted.
 *
 * @param column the split column (numeric, date, timestamp or timestamptz)
 * @param parts the number of ranges (at least 1)
 * @param lower the lower bound in the column's text form (ISO-8601 for times), or {@code null}
 * @param upper the upper bound in the column's text form, or {@code null}
 */
public record RangeSplit(String column, int parts, String lower, String upper) {
  public RangeSplit {
    Objects.requireNonNull(column, "column");
    if (parts < 1) {
      throw new DuckliftException("A range split of column '" + column + "' needs at least 1 part");
    }
    if ((lower == null) != (upper == null)) {
      throw new DuckliftException(
          "A range split of column '" + column + "' needs both bounds or neither");
    }
  }

  /** {@code parts} ranges between the column's minimum and maximum. */
  public static RangeSplit of(String column, int parts) {
    return new RangeSplit(column, parts, null, null);
  }

  /** {@code parts} ranges dividing {@code [lower, upper]} evenly. */
  public RangeSplit withBounds(String lower, String upper) {
    return new RangeSplit(column, parts, lower, upper);
  }
}
