package dev.ducklift.core.schema;

import dev.ducklift.core.schema.DataType.Kind;
import java.util.Optional;

/**
 * The one widening rule of normalized columns, shared by the normalizer (a value that does not fit
 * its column), the typed path and the promote stage (a staged type against the lake's): a column of
 * type {@code from} may become {@code to} when {@code to} is DuckDB's maximum type of the two,
 * which is exactly the check the official DuckLake extension makes before it changes a column's
 * type (so the lake accepts the change and the official reader casts older files to it).
 *
 * <p>Within the types a normalized table uses: integers widen to wider integers, {@code REAL},
 * {@code DOUBLE} or a decimal with room for them ({@code SMALLINT} needs 5 integer digits, {@code
 * INTEGER} 10, {@code BIGINT} 19, up to 38 digits in all); a decimal widens to a decimal with at
 * least its integer digits and at least its scale (at most 38 digits in all), or to a float; {@code
 * REAL} widens to {@code DOUBLE}; {@code DATE} to {@code TIMESTAMP} or {@code TIMESTAMPTZ}; {@code
 * TIMESTAMP} to {@code TIMESTAMPTZ}. Nothing widens to or from text, JSON or any other type.
 */
public final class TypeWidening {
  private TypeWidening() {}

  /** Whether a column of type {@code from} may change to {@code to} (different, and the max). */
  public static boolean allowed(DataType from, DataType to) {
    return !from.equals(to) && max(from, to).map(to::equals).orElse(false);
  }

  /**
   * DuckDB's maximum type of {@code a} and {@code b} within the widening families above, or empty
   * when the two do not widen into one another (a boolean and a number, a date and a time, text and
   * anything).
   */
  public static Optional<DataType> max(DataType a, DataType b) {
    if (a.equals(b)) {
      return Optional.of(a);
    }
    Kind x = a.kind();
    Kind y = b.kind();
    if (isNumeric(x) && isNumeric(y)) {
      return Optional.of(maxNumeric(a, b));
    }
    if (isTemporal(x) && isTemporal(y)) {
      return Optional.of(temporalRank(x) >= temporalRank(y) ? a : b);
    }
    return Optional.empty();
  }

  /**
   * Whether every value of a {@code from} column is also a value of {@code to}: DuckDB's maximum of
   * two decimals drops scale past 38 digits, and its maximum of an integer and a decimal may have
   * fewer digits before the point than the integer, so such a maximum would not hold the values
   * already in the column. Other widenings hold them (a double the nearest one).
   */
  public static boolean keepsValues(DataType from, DataType to) {
    if (to.kind() != Kind.DECIMAL) {
      return true;
    }
    if (from.kind() == Kind.DECIMAL) {
      return to.scale() >= from.scale()
          && to.precision() - to.scale() >= from.precision() - from.scale();
    }
    return to.precision() - to.scale() >= integerDigits(from.kind());
  }

  /** Whether values of this kind are numbers (integers, floats, decimals). */
  public static boolean isNumeric(Kind kind) {
    return integerDigits(kind) > 0
        || kind == Kind.REAL
        || kind == Kind.DOUBLE
        || kind == Kind.DECIMAL;
  }

  private static boolean isTemporal(Kind kind) {
    return kind == Kind.DATE || kind == Kind.TIMESTAMP || kind == Kind.TIMESTAMPTZ;
  }

  private static int temporalRank(Kind kind) {
    return switch (kind) {
      case DATE -> 0;
      case TIMESTAMP -> 1;
      default -> 2;
    };
  }

  /** The decimal digits an integer kind needs, as DuckDB counts them; 0 for other kinds. */
  private static int integerDigits(Kind kind) {
    return switch (kind) {
      case SMALLINT -> 5;
      case INTEGER -> 10;
      case BIGINT -> 19;
      default -> 0;
    };
  }

  private static DataType maxNumeric(DataType a, DataType b) {
    Kind x = a.kind();
    Kind y = b.kind();
    if (x == Kind.DOUBLE || y == Kind.DOUBLE) {
      return DataType.DOUBLE;
    }
    if (x == Kind.REAL || y == Kind.REAL) {
      return DataType.REAL;
    }
    if (x != Kind.DECIMAL && y != Kind.DECIMAL) {
      return integerDigits(x) >= integerDigits(y) ? a : b;
    }
    if (x != Kind.DECIMAL || y != Kind.DECIMAL) {
      // An integer and a decimal: the decimal's scale and room for the integer's digits, at most
      // 38 digits (the scale stays, as in DuckDB).
      DataType decimal = x == Kind.DECIMAL ? a : b;
      int digits = integerDigits(x == Kind.DECIMAL ? y : x);
      int width = Math.min(38, Math.max(digits + decimal.scale(), decimal.precision()));
      return DataType.decimal(width, decimal.scale());
    }
    // Two decimals: the larger integer part and the larger scale; past 38 digits the scale gives
    // way, as in DuckDB.
    int scale = Math.max(scaleOf(a), scaleOf(b));
    int whole = Math.max(wholeDigits(a), wholeDigits(b));
    int width = whole + scale;
    if (width > 38) {
      width = 38;
      scale = 38 - whole;
    }
    return DataType.decimal(width, scale);
  }

  private static int scaleOf(DataType t) {
    return t.scale();
  }

  private static int wholeDigits(DataType t) {
    return t.precision() - t.scale();
  }
}
