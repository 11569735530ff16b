package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.catalog.CatalogDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A table as a transaction sees and changes it. */
final class TableModel {
  /** A pending {@code ducklake_column} row. */
  record ColumnRow(
      long id,
      String name,
      String type,
      boolean nullable,
      String initialDefault,
      String defaultValue,
      Long parent,
      boolean nestedParent) {}

  /**
   * Deletes planned for one data file.
   *
   * @param deleteFile the new delete file, null when the data file is ended instead
   * @param taggedAs for a delete file carrying {@code _ducklake_internal_snapshot_id}: the snapshot
   *     id its new positions are tagged with (the commit's snapshot, rewritten when a retry commits
   *     as another snapshot); null for a plain two-column delete file
   * @param beginSnapshot for a tagged delete file: its smallest embedded snapshot id, which is its
   *     catalog {@code begin_snapshot}
   */
  record DeletePlan(
      CatalogReads.LiveFile file,
      WrittenFile deleteFile,
      boolean endsFile,
      long newlyDeleted,
      Long taggedAs,
      long beginSnapshot) {
    static DeletePlan endFile(CatalogReads.LiveFile file, long newlyDeleted) {
      return new DeletePlan(file, null, true, newlyDeleted, null, 0);
    }

    boolean tagged() {
      return taggedAs != null;
    }
  }

  final Long existingId;
  final SchemaModel schema;
  final String uuid;
  final String path;
  final boolean pathRelative;
  String name;
  List<ColumnNode> columns;

  /** The id the next new column gets; 0 until read, for a table that exists in the catalog. */
  long nextColumnId;

  final boolean created;
  boolean dropped;
  boolean renamed;
  boolean altered;
  final Map<Long, ColumnRow> pendingRows = new LinkedHashMap<>();
  final Set<Long> endedColumns = new HashSet<>();
  final Set<Long> createdColumns = new HashSet<>();
  final List<WrittenFile> files = new ArrayList<>();
  final Map<Long, DeletePlan> deletes = new LinkedHashMap<>();

  /**
   * The partitioning new files are written with: read from the catalog at the base snapshot, or set
   * by this transaction; null when unpartitioned.
   */
  PartitionSpec partitioning;

  /** Whether {@link #partitioning} was read (or set) yet. */
  boolean partitioningKnown;

  /** Whether this transaction sets a new partitioning (its id is allocated at commit). */
  boolean partitioningSet;

  /** Assigned per commit attempt for new tables. */
  long assignedId = -1;

  TableModel(
      Long existingId,
      SchemaModel schema,
      String name,
      String uuid,
      String path,
      boolean pathRelative,
      boolean created) {
    this.existingId = existingId;
    this.schema = schema;
    this.name = name;
    this.uuid = uuid;
    this.path = path;
    this.pathRelative = pathRelative;
    this.created = created;
    this.partitioningKnown = created;
  }

  long id() {
    return existingId != null ? existingId : assignedId;
  }

  String label() {
    return schema.name + "." + name;
  }

  String quotedLabel() {
    return quoteChange(schema.name) + "." + quoteChange(name);
  }

  static String quoteChange(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  String directory(String dataPath) {
    return dev.ducklift.ducklake.internal.LakePaths.resolve(
        schema.directory(dataPath), path, pathRelative);
  }

  boolean hasCatalogChange() {
    return created || dropped || renamed || altered;
  }

  ColumnNode column(String columnName) {
    for (ColumnNode c : columns) {
      if (c.name().equals(columnName)) {
        return c;
      }
    }
    for (ColumnNode c : columns) {
      if (c.name().equalsIgnoreCase(columnName)) {
        return c;
      }
    }
    return null;
  }

  static List<ColumnRow> rowsOf(ColumnNode node, Long parent) {
    List<ColumnRow> out = new ArrayList<>();
    out.add(
        new ColumnRow(
            node.id(),
            node.name(),
            node.typeName(),
            node.nullable(),
            node.initialDefault(),
            node.defaultValue(),
            parent,
            node.isNested()));
    for (ColumnNode c : node.children()) {
      out.addAll(rowsOf(c, node.id()));
    }
    return out;
  }

  static String q(String identifier) {
    return CatalogDatabase.quote(identifier);
  }
}
