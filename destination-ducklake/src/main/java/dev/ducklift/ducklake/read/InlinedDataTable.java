package dev.ducklift.ducklake.read;

import java.util.Map;

/**
 * A registered {@code ducklake_inlined_data_<table>_<version>} table.
 *
 * @param columnIds the column id of each user column of the inlined table, by its name there
 */
public record InlinedDataTable(
    long tableId, String name, long schemaVersion, Map<String, Long> columnIds) {

  public InlinedDataTable {
    columnIds = Map.copyOf(columnIds);
  }
}
