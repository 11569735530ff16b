package dev.ducklift.ducklake.read;

import java.util.List;

/**
 * A column (or nested field) of a table at some snapshot.
 *
 * @param type the DuckLake type string: {@code int64}, {@code decimal(10,2)}, {@code struct},
 *     {@code list}, {@code map}...
 * @param initialDefault the value text used for files written before the column existed; null means
 *     NULL
 * @param children struct fields, the list {@code element}, or the map {@code key} and {@code
 *     value}, in {@code column_order}
 */
public record LakeColumn(
    long id,
    String name,
    String type,
    String initialDefault,
    String defaultValue,
    boolean nullsAllowed,
    List<LakeColumn> children) {

  public LakeColumn {
    children = List.copyOf(children);
  }

  /** The DuckDB SQL type of this column, e.g. {@code STRUCT("a" INTEGER, "b" VARCHAR[])}. */
  public String duckdbType() {
    return LakeTypes.duckdbType(this);
  }

  public boolean isNested() {
    return LakeTypes.isNested(type);
  }
}
