package dev.ducklift.ducklake;

import dev.ducklift.core.schema.Column;
import java.util.Objects;

/**
 * A column of a table to create or add.
 *
 * @param name the column name (any text; quoted in SQL)
 * @param type the type
 * @param nullable whether NULLs are allowed
 * @param defaultValue a constant default as text ({@code 42}, {@code abc}, {@code 2024-01-01}), or
 *     {@code null} for none; for an added column it is also the value rows written before the
 *     column existed read as
 */
public record ColumnDefinition(String name, LakeType type, boolean nullable, String defaultValue) {
  public ColumnDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Column names must not be empty");
    }
    if (defaultValue != null && !(type instanceof LakeType.Primitive)) {
      throw new DuckLakeException("Column " + name + ": only primitive columns take a default");
    }
  }

  /** A nullable column without default. */
  public static ColumnDefinition of(String name, LakeType type) {
    return new ColumnDefinition(name, type, true, null);
  }

  /** The DuckLake column of an ingest-core column. */
  public static ColumnDefinition of(Column column) {
    return new ColumnDefinition(column.name(), LakeType.of(column.type()), column.nullable(), null);
  }

  /** This column with a default. */
  public ColumnDefinition withDefault(String value) {
    return new ColumnDefinition(name, type, nullable, value);
  }
}
