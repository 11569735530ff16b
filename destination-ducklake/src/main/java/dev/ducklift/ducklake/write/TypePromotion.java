package dev.ducklift.ducklake.write;

import java.util.List;

/** The type changes DuckLake allows: widening integers (signed, unsigned) and floats. */
final class TypePromotion {
  private static final List<String> SIGNED = List.of("int8", "int16", "int32", "int64");
  private static final List<String> UNSIGNED = List.of("uint8", "uint16", "uint32", "uint64");

  private TypePromotion() {}

  static boolean allowed(String from, String to) {
    if (from.equals("float32") && to.equals("float64")) {
      return true;
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
}
