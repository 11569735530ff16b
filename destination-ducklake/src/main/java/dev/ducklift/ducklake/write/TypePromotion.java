package dev.ducklift.ducklake.write;

import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.MaxType;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type changes DuckLake allows, as the official extension checks them: a column may change to a
 * type that is DuckDB's max type of the old and the new one ({@link MaxType}): wider integers,
 * integers to floats and wide enough decimals, wider decimals, {@code float32 -> float64}, dates to
 * timestamps, {@code timestamp -> timestamptz}; and the unsigned integer widenings of the DuckLake
 * specification.
 */
public final class TypePromotion {
  private static final List<String> SIGNED = List.of("int8", "int16", "int32", "int64");
  private static final List<String> UNSIGNED = List.of("uint8", "uint16", "uint32", "uint64");
  private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),(\\d+)\\)");

  private TypePromotion() {}

  /** Whether a column of DuckLake type {@code from} may change to {@code to}. */
  public static boolean allowed(String from, String to) {
    Optional<DataType> f = dataType(from);
    Optional<DataType> t = dataType(to);
    if (f.isPresent() && t.isPresent()) {
      return MaxType.promotes(f.get(), t.get());
    }
    int fs = SIGNED.indexOf(from);
    int ts = SIGNED.indexOf(to);
    if (fs >= 0 && ts > fs) {
      return true;
    }
    int fu = UNSIGNED.indexOf(from);
    int tu = UNSIGNED.indexOf(to);
    if (fu >= 0 && tu > fu) {
      return true;
    }
    // an unsigned type fits every wider signed type (uint8 -> int16, uint32 -> int64)
    return fu >= 0 && ts > fu;
  }

  /**
   * The DuckLake type both {@code a} and {@code b} widen to (one of them, or a third such as {@code
   * decimal(12,2)} for {@code int32} and {@code decimal(10,2)}), or empty when there is none.
   */
  public static Optional<String> maxType(String a, String b) {
    if (a.equals(b)) {
      return Optional.of(a);
    }
    Optional<DataType> x = dataType(a);
    Optional<DataType> y = dataType(b);
    if (x.isPresent() && y.isPresent()) {
      return MaxType.of(x.get(), y.get()).map(DataType::ducklakeType);
    }
    if (allowed(a, b)) {
      return Optional.of(b);
    }
    return allowed(b, a) ? Optional.of(a) : Optional.empty();
  }

  /** The column type of a DuckLake primitive type name, when Ducklift stages that type. */
  static Optional<DataType> dataType(String ducklakeName) {
    String name = ducklakeName.toLowerCase(Locale.ROOT).replace(" ", "");
    Matcher m = DECIMAL.matcher(name);
    if (m.matches()) {
      int p = Integer.parseInt(m.group(1));
      int s = Integer.parseInt(m.group(2));
      return p >= 1 && p <= 38 && s <= p ? Optional.of(DataType.decimal(p, s)) : Optional.empty();
    }
    for (DataType.Kind k : DataType.Kind.values()) {
      if (k != DataType.Kind.DECIMAL
          && k != DataType.Kind.LIST
          && new DataType(k, 0, 0, null).ducklakeType().equals(name)) {
        return Optional.of(new DataType(k, 0, 0, null));
      }
    }
    return Optional.empty();
  }
}
