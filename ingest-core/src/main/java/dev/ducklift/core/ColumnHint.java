package dev.ducklift.core;

import dev.ducklift.core.schema.DataType;
import java.util.Objects;

/**
 * A declared column: its type (skipping inference) and nullability.
 *
 * @param name the column name as it appears in the normalized table
 * @param type the declared type, or {@code null} to infer
 * @param nullable whether nulls are allowed; a null in a non-nullable column is a bad row
 */
public record ColumnHint(String name, DataType type, boolean nullable) {
  public ColumnHint {
    Objects.requireNonNull(name, "name");
  }
}
