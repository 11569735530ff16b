package dev.ducklift.ducklake.read;

import java.util.List;

/**
 * A table visible at some snapshot, with its columns at that snapshot.
 *
 * @param directory the absolute directory of the table's files, ending in {@code /}
 * @param columns the top-level columns in {@code column_order}; nested fields are children
 */
public record LakeTable(
    long id,
    String uuid,
    long schemaId,
    String schemaName,
    String name,
    String directory,
    List<LakeColumn> columns) {

  public LakeTable {
    columns = List.copyOf(columns);
  }

  /** {@code schema.table}, for messages. */
  public String qualifiedName() {
    return schemaName + "." + name;
  }
}
