package dev.ducklift.core.schema;

import java.util.Objects;

/**
 * A column of a normalized table.
 *
 * @param name a safe identifier (already normalized)
 * @param type the column type
 * @param nullable whether the column may hold nulls
 */
public record Column(String name, DataType type, boolean nullable) {
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  public static Column of(String name, DataType type) {
    return new Column(name, type, true);
  }
}
