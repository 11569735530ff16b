package dev.ducklift.ducklake.read;

import java.util.Map;

/**
 * A registered {@code ducklake_inlined_data_<table>_<version>} table.
 *
 * @param columns the table's top-level columns as they were at that schema version, by name (the
 *     inlined table's user columns carry these names and types)
 */
public record InlinedDataTable(
    long tableId, String name, long schemaVersion, Map<String, LakeColumn> columns) {

  public InlinedDataTable {
    columns = Map.copyOf(columns);
  }
}
