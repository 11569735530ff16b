package dev.ducklift.core.schema;

import java.util.Objects;

/**
 * A column type of a normalized table. Each maps to one DuckDB staging type and one DuckLake column
 * type.
 *
 * @param kind the kind
 * @param precision decimal precision (1..38), else 0
 * @param scale decimal scale (0..precision), else 0
 * @param element the element type of a {@link Kind#LIST}, else {@code null}
 */
public record DataType(Kind kind, int precision, int scale, DataType element) {

  /** Kinds of column types. */
  public enum Kind {
    BOOLEAN("BOOLEAN", "boolean"),
    SMALLINT("SMALLINT", "int16"),
    INTEGER("INTEGER", "int32"),
    BIGINT("BIGINT", "int64"),
    REAL("FLOAT", "float32"),
    DOUBLE("DOUBLE", "float64"),
    DECIMAL("DECIMAL", "decimal"),
    TEXT("VARCHAR", "varchar"),
    JSON("JSON", "json"),
    BINARY("BLOB", "blob"),
    UUID("UUID", "uuid"),
    DATE("DATE", "date"),
    TIME("TIME", "time"),
    TIMESTAMP("TIMESTAMP", "timestamp"),
    TIMESTAMPTZ("TIMESTAMPTZ", "timestamptz"),
    INTERVAL("INTERVAL", "interval"),
    LIST("LIST", "list");

    private final String duckdb;
    private final String ducklake;

    Kind(String duckdb, String ducklake) {
      this.duckdb = duckdb;
      this.ducklake = ducklake;
    }
  }

  public static final DataType BOOLEAN = of(Kind.BOOLEAN);
  public static final DataType SMALLINT = of(Kind.SMALLINT);
  public static final DataType INTEGER = of(Kind.INTEGER);
  public static final DataType BIGINT = of(Kind.BIGINT);
  public static final DataType REAL = of(Kind.REAL);
  public static final DataType DOUBLE = of(Kind.DOUBLE);
  public static final DataType TEXT = of(Kind.TEXT);
  public static final DataType JSON = of(Kind.JSON);
  public static final DataType BINARY = of(Kind.BINARY);
  public static final DataType UUID = of(Kind.UUID);
  public static final DataType DATE = of(Kind.DATE);
  public static final DataType TIME = of(Kind.TIME);
  public static final DataType TIMESTAMP = of(Kind.TIMESTAMP);
  public static final DataType TIMESTAMPTZ = of(Kind.TIMESTAMPTZ);
  public static final DataType INTERVAL = of(Kind.INTERVAL);

  public DataType {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        throw new IllegalArgumentException("Invalid decimal(" + precision + "," + scale + ")");
      }
    } else if (precision != 0 || scale != 0) {
      throw new IllegalArgumentException(kind + " takes no precision or scale");
    }
    if ((kind == Kind.LIST) != (element != null)) {
      throw new IllegalArgumentException("Only LIST has (and needs) an element type");
    }
  }

  private static DataType of(Kind kind) {
    return new DataType(kind, 0, 0, null);
  }

  public static DataType decimal(int precision, int scale) {
    return new DataType(Kind.DECIMAL, precision, scale, null);
  }

  public static DataType list(DataType element) {
    return new DataType(Kind.LIST, 0, 0, Objects.requireNonNull(element, "element"));
  }

  /**
   * The type named by a DuckDB type name ({@code BIGINT}, {@code DOUBLE}, {@code VARCHAR}, {@code
   * TEXT}, {@code DECIMAL(12,2)}, {@code TIMESTAMPTZ}, {@code TIMESTAMP WITH TIME ZONE}) or a
   * DuckLake one ({@code int64}, {@code float64}, {@code decimal(12,2)}), in any case.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static DataType parse(String name) {
    String t = name.trim().toUpperCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?:DECIMAL|NUMERIC)\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)")
            .matcher(t);
    if (m.matches()) {
      return decimal(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
    for (Kind kind : Kind.values()) {
      if (kind != Kind.DECIMAL
          && kind != Kind.LIST
          && (kind.duckdb.equals(t) || kind.ducklake.equalsIgnoreCase(t))) {
        return of(kind);
      }
    }
    return switch (t) {
      case "TEXT", "STRING" -> TEXT;
      case "INT" -> INTEGER;
      case "REAL" -> REAL;
      case "DOUBLE PRECISION" -> DOUBLE;
      case "BOOL" -> BOOLEAN;
      case "TIMESTAMP WITH TIME ZONE" -> TIMESTAMPTZ;
      case "BINARY", "BYTEA" -> BINARY;
      default -> throw new IllegalArgumentException("Unknown column type '" + name + "'");
    };
  }

  /** The DuckDB SQL type, for staging tables: {@code DECIMAL(18,3)}, {@code BIGINT[]}. */
  public String duckdbType() {
    return switch (kind) {
      case DECIMAL -> "DECIMAL(" + precision + "," + scale + ")";
      case LIST -> element.duckdbType() + "[]";
      default -> kind.duckdb;
    };
  }

  /**
   * The DuckLake column type string of this type ({@code int64}, {@code decimal(18,3)}); for a
   * list, {@code list} (its element is a child column).
   */
  public String ducklakeType() {
    return switch (kind) {
      case DECIMAL -> "decimal(" + precision + "," + scale + ")";
      default -> kind.ducklake;
    };
  }

  @Override
  public String toString() {
    return duckdbType();
  }
}
