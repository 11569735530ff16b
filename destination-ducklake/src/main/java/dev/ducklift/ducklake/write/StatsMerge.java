package dev.ducklift.ducklake.write;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Comparison of min/max statistics text as typed values: numbers numerically, dates and times by
 * year first (so {@code 10000-01-01} sorts after {@code 2024-01-01}), everything else by UTF-8
 * bytes, like DuckDB compares strings.
 */
public final class StatsMerge {
  private StatsMerge() {}

  /** Compares two bounds of a column of DuckLake type {@code type}. */
  public static int compare(String type, String a, String b) {
    if (isNumeric(type)) {
      return compareNumbers(a, b);
    }
    if (isTemporal(type)) {
      return compareTemporal(a, b);
    }
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static boolean isNumeric(String type) {
    return type.startsWith("int")
        || type.startsWith("uint")
        || type.startsWith("float")
        || type.startsWith("decimal");
  }

  static boolean isTemporal(String type) {
    return type.equals("date") || type.startsWith("timestamp");
  }

  private static int compareNumbers(String a, String b) {
    return numericKey(a).compareTo(numericKey(b));
  }

  private static BigDecimal numericKey(String s) {
    String v = s.trim().toLowerCase();
    return switch (v) {
      case "inf", "+inf", "infinity" -> new BigDecimal("1e400");
      case "-inf", "-infinity" -> new BigDecimal("-1e400");
      default -> new BigDecimal(v);
    };
  }

  private static int compareTemporal(String a, String b) {
    long[] ka = temporalKey(a);
    long[] kb = temporalKey(b);
    if (ka[0] != kb[0]) {
      return Long.compare(ka[0], kb[0]);
    }
    if (ka[0] != 0) {
      return 0;
    }
    if (ka[1] != kb[1]) {
      return Long.compare(ka[1], kb[1]);
    }
    return rest(a).compareTo(rest(b));
  }

  /** {infinity class (-1, 0, 1), signed year}. */
  private static long[] temporalKey(String s) {
    if (s.equals("infinity")) {
      return new long[] {1, 0};
    }
    if (s.equals("-infinity")) {
      return new long[] {-1, 0};
    }
    int dash = s.indexOf('-', 1);
    long year = Long.parseLong(s.substring(0, dash));
    // DuckDB marks the era after the date: "0044-03-15 (BC)", "0044-03-15 (BC) 12:30:00"
    if (s.contains(" (BC)")) {
      year = 1 - year;
    }
    return new long[] {0, year};
  }

  private static String rest(String s) {
    int dash = s.indexOf('-', 1);
    return s.substring(dash).replace(" (BC)", "");
  }
}
