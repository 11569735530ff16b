package dev.ducklift.core.spi;

import dev.ducklift.core.MergeHints;
import dev.ducklift.core.PartitionField;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.TableSchema;
import java.util.List;
import java.util.Objects;

/**
 * One table of a staged load.
 *
 * @param schema the table's schema as staged (columns in staging order, system columns included)
 * @param stagingRelation a SQL relation on the staging connection holding exactly this load's rows
 *     of the table (for example a quoted table name or a subquery); read it, never modify it
 * @param rowCount the number of rows in {@code stagingRelation}
 * @param writeDisposition the root resource's disposition; child tables follow their root
 * @param primaryKey the primary key columns (root tables); child tables are keyed by {@code
 *     _dl_parent_id} and replaced with their parent rows
 * @param cursorColumn the normalized cursor column of a root table, or {@code null}
 * @param partitionBy the root table's partition hint (empty: keep the table's partitioning)
 * @param merge the resource's merge hints (normalized column names); child tables carry their
 *     root's
 */
public record StagedTable(
    TableSchema schema,
    String stagingRelation,
    long rowCount,
    WriteDisposition writeDisposition,
    List<String> primaryKey,
    String cursorColumn,
    List<PartitionField> partitionBy,
    MergeHints merge) {
  public StagedTable {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(stagingRelation, "stagingRelation");
    Objects.requireNonNull(writeDisposition, "writeDisposition");
    primaryKey = List.copyOf(primaryKey == null ? List.of() : primaryKey);
    partitionBy = List.copyOf(partitionBy == null ? List.of() : partitionBy);
    merge = merge == null ? MergeHints.NONE : merge;
  }

  /** A table without merge hints. */
  public StagedTable(
      TableSchema schema,
      String stagingRelation,
      long rowCount,
      WriteDisposition writeDisposition,
      List<String> primaryKey,
      String cursorColumn,
      List<PartitionField> partitionBy) {
    this(
        schema,
        stagingRelation,
        rowCount,
        writeDisposition,
        primaryKey,
        cursorColumn,
        partitionBy,
        MergeHints.NONE);
  }

  /** A table without a partition hint. */
  public StagedTable(
      TableSchema schema,
      String stagingRelation,
      long rowCount,
      WriteDisposition writeDisposition,
      List<String> primaryKey,
      String cursorColumn) {
    this(schema, stagingRelation, rowCount, writeDisposition, primaryKey, cursorColumn, List.of());
  }

  public String name() {
    return schema.name();
  }
}
