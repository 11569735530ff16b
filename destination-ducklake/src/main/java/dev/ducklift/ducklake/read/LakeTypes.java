package dev.ducklift.ducklake.read;

import dev.ducklift.core.DuckliftException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The mapping from DuckLake column type strings to DuckDB SQL types (SPEC-NOTES §3.4). */
public final class LakeTypes {
  private static final Map<String, String> PRIMITIVES =
      Map.ofEntries(
          Map.entry("boolean", "BOOLEAN"),
          Map.entry("int8", "TINYINT"),
          Map.entry("int16", "SMALLINT"),
          Map.entry("int32", "INTEGER"),
          Map.entry("int64", "BIGINT"),
          Map.entry("uint8", "UTINYINT"),
          Map.entry("uint16", "USMALLINT"),
          Map.entry("uint32", "UINTEGER"),
          Map.entry("uint64", "UBIGINT"),
          Map.entry("int128", "HUGEINT"),
          Map.entry("uint128", "UHUGEINT"),
          Map.entry("float32", "FLOAT"),
          Map.entry("float64", "DOUBLE"),
          Map.entry("date", "DATE"),
          Map.entry("time", "TIME"),
          Map.entry("time_ns", "TIME_NS"),
          Map.entry("timetz", "TIMETZ"),
          Map.entry("timestamp", "TIMESTAMP"),
          Map.entry("timestamp_us", "TIMESTAMP"),
          Map.entry("timestamp_s", "TIMESTAMP_S"),
          Map.entry("timestamp_ms", "TIMESTAMP_MS"),
          Map.entry("timestamp_ns", "TIMESTAMP_NS"),
          Map.entry("timestamptz", "TIMESTAMPTZ"),
          Map.entry("interval", "INTERVAL"),
          Map.entry("varchar", "VARCHAR"),
          Map.entry("json", "JSON"),
          Map.entry("blob", "BLOB"),
          Map.entry("uuid", "UUID"),
          Map.entry("variant", "VARIANT"),
          Map.entry("geometry", "GEOMETRY"));
  private static final Pattern DECIMAL =
      Pattern.compile("decimal\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

  private LakeTypes() {}

  /**
   * Whether a DuckLake type string names a nested type ({@code struct}, {@code list}, {@code map}).
   */
  public static boolean isNested(String lakeType) {
    String t = lakeType.toLowerCase(Locale.ROOT);
    return t.equals("struct") || t.equals("list") || t.equals("map");
  }

  /** Whether a primitive DuckLake type string is known. */
  public static boolean isKnownPrimitive(String lakeType) {
    String t = lakeType.toLowerCase(Locale.ROOT).strip();
    return PRIMITIVES.containsKey(t) || DECIMAL.matcher(t).matches();
  }

  /** The DuckDB type of a primitive DuckLake type string. */
  public static String duckdbPrimitive(String lakeType) {
    String t = lakeType.toLowerCase(Locale.ROOT).strip();
    String mapped = PRIMITIVES.get(t);
    if (mapped != null) {
      return mapped;
    }
    Matcher m = DECIMAL.matcher(t);
    if (m.matches()) {
      return "DECIMAL(" + m.group(1) + "," + m.group(2) + ")";
    }
    throw new DuckliftException("Unsupported DuckLake column type '" + lakeType + "'");
  }

  /** The DuckDB type of a (possibly nested) column. */
  public static String duckdbType(LakeColumn column) {
    String t = column.type().toLowerCase(Locale.ROOT);
    switch (t) {
      case "list":
        requireChildren(column, 1);
        return duckdbType(column.children().get(0)) + "[]";
      case "map":
        requireChildren(column, 2);
        return "MAP("
            + duckdbType(column.children().get(0))
            + ", "
            + duckdbType(column.children().get(1))
            + ")";
      case "struct":
        {
          if (column.children().isEmpty()) {
            throw new DuckliftException("Struct column '" + column.name() + "' has no fields");
          }
          StringBuilder sb = new StringBuilder("STRUCT(");
          for (int i = 0; i < column.children().size(); i++) {
            LakeColumn child = column.children().get(i);
            if (i > 0) {
              sb.append(", ");
            }
            sb.append(Sql.ident(child.name())).append(' ').append(duckdbType(child));
          }
          return sb.append(')').toString();
        }
      default:
        return duckdbPrimitive(column.type());
    }
  }

  private static void requireChildren(LakeColumn column, int count) {
    if (column.children().size() != count) {
      throw new DuckliftException(
          "Column '"
              + column.name()
              + "' of type "
              + column.type()
              + " has "
              + column.children().size()
              + " child columns, expected "
              + count);
    }
  }
}
