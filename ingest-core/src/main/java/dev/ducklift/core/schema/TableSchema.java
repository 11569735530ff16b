package dev.ducklift.core.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param renamedFields fields whose normalized name collided with another field's, by their raw
 *     path in the table's records ({@code "weird_key"}, {@code "meta.Weird Key"}), to the column
 *     they were given instead; kept so later loads fill the same columns whatever the field order
 */
public record TableSchema(
    String name, String parentTable, List<Column> columns, Map<String, String> renamedFields) {

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
    renamedFields =
        renamedFields == null || renamedFields.isEmpty()
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(renamedFields));
  }

  public TableSchema(String name, String parentTable, List<Column> columns) {
    this(name, parentTable, columns, Map.of());
  }

  public Optional<Column> column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  public boolean isChild() {
    return parentTable != null;
  }
}
