package dev.ducklift.core.schema;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The schema of a normalized table (root or child).
 *
 * @param name the table name (normalized)
 * @param parentTable the parent table of a child table ({@code <parent>__<field>}), or {@code null}
 *     for a root table
 * @param columns the columns in table order, including the system columns ({@code _dl_load_id},
 *     {@code _dl_id}, {@code _dl_parent_id}, {@code _dl_list_idx})
 */
public record TableSchema(String name, String parentTable, List<Column> columns) {

  /** Root rows: the load that wrote them. */
  public static final String LOAD_ID = "_dl_load_id";

  /** Every row: a stable row id (derived from the primary key where there is one). */
  public static final String ROW_ID = "_dl_id";

  /** Child rows: the {@link #ROW_ID} of the parent row. */
  public static final String PARENT_ID = "_dl_parent_id";

  /** Child rows: the position in the parent's array. */
  public static final String LIST_INDEX = "_dl_list_idx";

  public TableSchema {
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
  }

  public Optional<Column> column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  public boolean isChild() {
    return parentTable != null;
  }
}
