package dev.ducklift.core.schema;

import dev.ducklift.core.schema.DataType.Kind;
import java.util.Optional;

/**
 * DuckDB's max type of two column types: the type both cast to implicitly, as DuckDB combines the
 * branches of a {@code CASE} or a {@code UNION}. The official DuckLake extension allows a column's
 * type to change from {@code a} to {@code b} exactly when {@code b} is the max type of both, so
 * this is the one widening rule of a lake column (see {@link #promotes}).
 *
 * <p>Integers widen to wider integers, floats and decimals wide enough for them (keeping the
 * decimal's scale); booleans to integers; {@code REAL} to {@code DOUBLE}; decimals to floats and to
 * the decimal holding the integer digits and the scale of both (at most 38 digits, giving up scale
 * beyond that, as DuckDB does); dates to timestamps; timestamps to {@code TIMESTAMPTZ}. Everything
 * else (a number and text, a time and a timestamp, ...) has no max type. DuckDB also makes {@code
 * JSON} the max type of every other type; it is left out here, since a value cast to JSON is not a
 * JSON document.
 */
public final class MaxType {

  private MaxType() {}

  /** The max type of {@code a} and {@code b}, or empty when they have none. */
  public static Optional<DataType> of(DataType a, DataType b) {
    if (a.equals(b)) {
      return Optional.of(a);
    }
    Kind x = a.kind();
    Kind y = b.kind();
    if (rank(y) < rank(x) || (rank(x) == rank(y) && y.ordinal() < x.ordinal())) {
      return of(b, a);
    }
    // now rank(x) <= rank(y)
    if (integral(x) && integral(y)) {
      return Optional.of(digits(x) >= digits(y) ? a : b);
    }
    if (x == Kind.BOOLEAN && integral(y)) {
      return Optional.of(b);
    }
    if ((integral(x) || x == Kind.DECIMAL) && (y == Kind.REAL || y == Kind.DOUBLE)) {
      return Optional.of(b);
    }
    if (x == Kind.REAL && y == Kind.DOUBLE) {
      return Optional.of(b);
    }
    if (integral(x) && y == Kind.DECIMAL) {
      // an integer never costs the decimal its scale: beyond 38 digits, integer digits give way
      int scale = b.scale();
      int width = Math.max(digits(x), b.precision() - scale) + scale;
      return Optional.of(DataType.decimal(Math.min(width, 38), scale));
    }
    if (x == Kind.DECIMAL && y == Kind.DECIMAL) {
      return Optional.of(decimal(a.precision(), a.scale(), b.precision(), b.scale()));
    }
    if (x == Kind.DATE && (y == Kind.TIMESTAMP || y == Kind.TIMESTAMPTZ)) {
      return Optional.of(b);
    }
    if (x == Kind.TIMESTAMP && y == Kind.TIMESTAMPTZ) {
      return Optional.of(b);
    }
    return Optional.empty();
  }

  /**
   * Whether a lake column of type {@code from} may change to {@code to}: {@code to} differs and is
   * the max type of both (the official extension's promotion check).
   */
  public static boolean promotes(DataType from, DataType to) {
    return !from.equals(to) && of(from, to).filter(to::equals).isPresent();
  }

  private static DataType decimal(int p1, int s1, int p2, int s2) {
    int integerDigits = Math.max(p1 - s1, p2 - s2);
    int scale = Math.max(s1, s2);
    if (integerDigits + scale > 38) {
      scale = Math.max(0, 38 - integerDigits);
      integerDigits = Math.min(integerDigits, 38);
    }
    return DataType.decimal(integerDigits + scale, scale);
  }

  private static boolean integral(Kind k) {
    return k == Kind.SMALLINT || k == Kind.INTEGER || k == Kind.BIGINT;
  }

  /** Decimal digits DuckDB gives an integer type when combining it with a decimal. */
  private static int digits(Kind k) {
    return switch (k) {
      case SMALLINT -> 5;
      case INTEGER -> 10;
      default -> 19;
    };
  }

  /** Orders the kinds so that a pair is looked at one way round only. */
  private static int rank(Kind k) {
    return switch (k) {
      case BOOLEAN -> 0;
      case SMALLINT, INTEGER, BIGINT -> 1;
      case DECIMAL -> 2;
      case REAL -> 3;
      case DOUBLE -> 4;
      case DATE -> 5;
      case TIMESTAMP -> 6;
      case TIMESTAMPTZ -> 7;
      default -> 8 + k.ordinal();
    };
  }
}
