package dev.ducklift.ducklake.write;

import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TypeWidening;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type changes DuckLake allows: a column may take DuckDB's maximum type of its type and the new
 * one, as the official extension checks ({@link TypeWidening}), such as wider integers, {@code
 * float32 -> float64}, integers and decimals to wider decimals or to floats, and {@code date ->
 * timestamp -> timestamptz}. A decimal maximum that would drop digits of values already in the
 * column is refused.
 */
public final class TypePromotion {
  private static final List<String> SIGNED = List.of("int8", "int16", "int32", "int64");
  private static final List<String> UNSIGNED = List.of("uint8", "uint16", "uint32", "uint64");
  private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),(\\d+)\\)");

  private TypePromotion() {}

  /** Whether a column of DuckLake type {@code from} may become {@code to}. */
  public static boolean allowed(String from, String to) {
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
    if (fu >= 0 && ts > fu) {
      return true;
    }
    DataType source = dataType(from);
    DataType target = dataType(to);
    return source != null
        && target != null
        && TypeWidening.allowed(source, target)
        && TypeWidening.keepsValues(source, target);
  }

  /** The normalized column type of a primitive DuckLake type, or {@code null} if there is none. */
  private static DataType dataType(String lakeType) {
    String t = lakeType.replace(" ", "");
    Matcher m = DECIMAL.matcher(t);
    if (m.matches()) {
      int precision = Integer.parseInt(m.group(1));
      int scale = Integer.parseInt(m.group(2));
      return precision >= 1 && precision <= 38 && scale <= precision
          ? DataType.decimal(precision, scale)
          : null;
    }
    for (DataType.Kind kind : DataType.Kind.values()) {
      if (kind != DataType.Kind.DECIMAL
          && kind != DataType.Kind.LIST
          && new DataType(kind, 0, 0, null).ducklakeType().equals(t)) {
        return new DataType(kind, 0, 0, null);
      }
    }
    return null;
  }
}
