package dev.ducklift.ducklake.write;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Running {@code ducklake_table_column_stats} of one column: bounds only ever widen, and anything
 * not known for certain becomes NULL ("unknown"), never a too-narrow bound or a false "no NULLs".
 */
final class ColumnStatsAccumulator {
  private final String type;
  private Boolean containsNull;
  private Boolean containsNan;
  private String min;
  private String max;
  private boolean noValuesYet;
  private boolean minUnknown;
  private boolean maxUnknown;
  private boolean changed;

  private ColumnStatsAccumulator(String type) {
    this.type = type == null ? "varchar" : type;
  }

  static ColumnStatsAccumulator empty(String type) {
    ColumnStatsAccumulator a = new ColumnStatsAccumulator(type);
    a.containsNull = false;
    a.containsNan = isFloat(a.type) ? Boolean.FALSE : null;
    a.noValuesYet = true;
    return a;
  }

  /**
   * Stats as stored. A NULL bound cannot be told apart from "no values yet", so it stays unknown.
   */
  static ColumnStatsAccumulator existing(
      String type, Boolean containsNull, Boolean containsNan, String min, String max) {
    ColumnStatsAccumulator a = new ColumnStatsAccumulator(type);
    a.containsNull = containsNull;
    a.containsNan = containsNan;
    a.min = min;
    a.max = max;
    a.minUnknown = min == null;
    a.maxUnknown = max == null;
    return a;
  }

  private static boolean isFloat(String type) {
    return type.startsWith("float");
  }

  void add(FileColumnStats s) {
    changed = true;
    if (s.nullCount() == null) {
      containsNull = null;
    } else if (containsNull != null) {
      containsNull = containsNull || s.nullCount() > 0;
    }
    boolean noValues = s.valueCount() != null && s.valueCount() == 0;
    if (isFloat(type)) {
      if (s.containsNan() == null) {
        if (!noValues) {
          containsNan = null;
        }
      } else if (containsNan != null) {
        containsNan = containsNan || s.containsNan();
      }
    }
    if (noValues) {
      return;
    }
    if (s.minValue() == null) {
      minUnknown = true;
      min = null;
    } else if (!minUnknown) {
      min = noValuesYet || StatsMerge.compare(type, s.minValue(), min) < 0 ? s.minValue() : min;
    }
    if (s.maxValue() == null) {
      maxUnknown = true;
      max = null;
    } else if (!maxUnknown) {
      max = noValuesYet || StatsMerge.compare(type, s.maxValue(), max) > 0 ? s.maxValue() : max;
    }
    noValuesYet = false;
  }

  boolean changed() {
    return changed;
  }

  /** Binds contains_null, contains_nan, min_value, max_value from parameter {@code first}. */
  /** The values {@link #bind} binds, as {@link CatalogBatch} parameters. */
  Object[] values() {
    return new Object[] {
      CatalogBatch.orNull(containsNull),
      CatalogBatch.orNull(containsNan),
      CatalogBatch.orNull(minUnknown ? null : min),
      CatalogBatch.orNull(maxUnknown ? null : max)
    };
  }

  void bind(PreparedStatement ps, int first) throws SQLException {
    if (containsNull == null) {
      ps.setNull(first, Types.BOOLEAN);
    } else {
      ps.setBoolean(first, containsNull);
    }
    if (containsNan == null) {
      ps.setNull(first + 1, Types.BOOLEAN);
    } else {
      ps.setBoolean(first + 1, containsNan);
    }
    ps.setString(first + 2, minUnknown ? null : min);
    ps.setString(first + 3, maxUnknown ? null : max);
  }
}
