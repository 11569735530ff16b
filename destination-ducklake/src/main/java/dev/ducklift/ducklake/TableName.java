package dev.ducklift.ducklake;

import java.util.Objects;

/**
 * A table's schema and name in a lake. Names are taken literally (case and any characters kept);
 * they are always quoted in SQL and never used verbatim as file paths unless they are plain
 * identifiers.
 */
public record TableName(String schema, String name) {
  public TableName {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    if (schema.isEmpty() || name.isEmpty()) {
      throw new IllegalArgumentException("Schema and table names must not be empty");
    }
  }

  /** A table in schema {@code main}. */
  public static TableName of(String name) {
    return new TableName("main", name);
  }

  public static TableName of(String schema, String name) {
    return new TableName(schema, name);
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
