package dev.ducklift.ducklake;

import dev.ducklift.core.schema.DataType;
import dev.ducklift.ducklake.read.LakeTypes;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DuckLake column type: a primitive ({@code int64}, {@code decimal(18,3)}, {@code timestamptz}),
 * a list, a struct or a map. Each maps to one DuckDB type.
 */
public sealed interface LakeType
    permits LakeType.Primitive, LakeType.ListType, LakeType.StructType, LakeType.MapType {

  /** The {@code ducklake_column.column_type} text ({@code list}, {@code struct} for nested). */
  String ducklakeName();

  /** The DuckDB SQL type ({@code BIGINT}, {@code STRUCT("a" INTEGER)[]}). */
  String duckdbType();

  /** The DuckLake type of an ingest-core column type. */
  static LakeType of(DataType type) {
    Objects.requireNonNull(type, "type");
    if (type.kind() == DataType.Kind.LIST) {
      return new ListType(of(type.element()));
    }
    return primitive(type.ducklakeType());
  }

  /**
   * A primitive type by its DuckLake name.
   *
   * @throws DuckLakeException if DuckLake or Ducklift does not support the type
   */
  static Primitive primitive(String name) {
    return new Primitive(name);
  }

  static ListType list(LakeType element) {
    return new ListType(element);
  }

  static MapType map(LakeType key, LakeType value) {
    return new MapType(key, value);
  }

  static StructType struct(List<Field> fields) {
    return new StructType(fields);
  }

  /** A named field of a struct. */
  record Field(String name, LakeType type) {
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("Struct field names must not be empty");
      }
    }
  }

  /** A primitive type such as {@code int32}, {@code varchar} or {@code decimal(10,2)}. */
  record Primitive(String ducklakeName) implements LakeType {
    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),(\\d+)\\)");

    /** Readable types that Ducklift does not write (1.0 features it has no values for). */
    private static final java.util.Set<String> NOT_WRITTEN =
        java.util.Set.of("variant", "geometry");

    public Primitive {
      Objects.requireNonNull(ducklakeName, "ducklakeName");
      ducklakeName = ducklakeName.toLowerCase(Locale.ROOT).replace(" ", "");
      Matcher m = DECIMAL.matcher(ducklakeName);
      if (m.matches()) {
        int p = Integer.parseInt(m.group(1));
        int s = Integer.parseInt(m.group(2));
        if (p < 1 || p > 38 || s > p) {
          throw new DuckLakeException("Unsupported DuckLake type " + ducklakeName);
        }
      } else if (!LakeTypes.isKnownPrimitive(ducklakeName) || NOT_WRITTEN.contains(ducklakeName)) {
        throw new DuckLakeException(
            "Unsupported DuckLake column type '"
                + ducklakeName
                + "'; Ducklift writes the DuckLake 1.0 primitive types except "
                + NOT_WRITTEN
                + ", plus decimal(P,S), list, struct and map");
      }
    }

    /** Whether min/max statistics compare as numbers. */
    public boolean isNumeric() {
      return ducklakeName.startsWith("int")
          || ducklakeName.startsWith("uint")
          || ducklakeName.startsWith("float")
          || ducklakeName.startsWith("decimal");
    }

    /** Whether the type can hold NaN. */
    public boolean isFloatingPoint() {
      return ducklakeName.startsWith("float");
    }

    @Override
    public String duckdbType() {
      return LakeTypes.duckdbPrimitive(ducklakeName);
    }
  }

  /** A list of elements (DuckDB {@code T[]}). */
  record ListType(LakeType element) implements LakeType {
    public ListType {
      Objects.requireNonNull(element, "element");
    }

    @Override
    public String ducklakeName() {
      return "list";
    }

    @Override
    public String duckdbType() {
      return element.duckdbType() + "[]";
    }
  }

  /** A struct of named fields. */
  record StructType(List<Field> fields) implements LakeType {
    public StructType {
      fields = List.copyOf(fields);
      if (fields.isEmpty()) {
        throw new DuckLakeException("A struct needs at least one field");
      }
    }

    @Override
    public String ducklakeName() {
      return "struct";
    }

    @Override
    public String duckdbType() {
      StringBuilder b = new StringBuilder("STRUCT(");
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          b.append(", ");
        }
        b.append('"').append(fields.get(i).name().replace("\"", "\"\"")).append("\" ");
        b.append(fields.get(i).type().duckdbType());
      }
      return b.append(')').toString();
    }
  }

  /** A map from keys to values. */
  record MapType(LakeType key, LakeType value) implements LakeType {
    public MapType {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String ducklakeName() {
      return "map";
    }

    @Override
    public String duckdbType() {
      return "MAP(" + key.duckdbType() + ", " + value.duckdbType() + ")";
    }
  }
}
