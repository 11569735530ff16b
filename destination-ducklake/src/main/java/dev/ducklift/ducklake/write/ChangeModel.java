package dev.ducklift.ducklake.write;

import dev.ducklift.core.PartitionField;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.CommitValidator;
import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.internal.LakePaths;
import dev.ducklift.ducklake.internal.Uuids;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The change model of a transaction: the catalog as of its base snapshot (schemas, tables and their
 * columns, resolved lazily) and the schema and table changes made to it, plus the commit's author,
 * message and validator. It knows nothing of files or of the commit protocol; {@link
 * TableFileWrites} adds files to its tables and {@link CommitLoop} turns it into a snapshot.
 *
 * <p>Changes are resolved against the base snapshot when they are made, so errors such as an
 * unknown table surface immediately.
 */
final class ChangeModel {
  final CatalogDatabase db;
  final CatalogReads reads;
  private final ColumnCache columnCache;
  final CatalogReads.SnapshotRow base;
  private final Map<String, SchemaModel> schemas = new LinkedHashMap<>();
  private final Map<Long, List<CatalogReads.TableRow>> tableRowsBySchema = new HashMap<>();
  final List<TableModel> tables = new ArrayList<>();
  final List<SchemaModel> newSchemas = new ArrayList<>();
  String author;
  String commitMessage;
  String commitExtraInfo;
  CommitValidator validator;
  boolean finished;
  final TablePartitioning partitions;

  /**
   * Reads the latest snapshot and its schemas and tables, taking the columns of tables from {@code
   * columnCache} when the base snapshot's schema version matches.
   */
  ChangeModel(CatalogDatabase db, ColumnCache columnCache) {
    this.db = db;
    this.reads = new CatalogReads(db);
    this.columnCache = columnCache;
    try (Connection c = db.connect()) {
      CatalogReads.Start start = reads.start(c);
      base = start.latest();
      for (CatalogReads.SchemaRow s : start.schemas().values()) {
        schemas.put(
            s.name(), new SchemaModel(s.id(), s.name(), null, s.path(), s.relative(), false));
      }
      for (CatalogReads.TableRow t : start.tables()) {
        tableRowsBySchema.computeIfAbsent(t.schemaId(), k -> new ArrayList<>()).add(t);
      }
      partitions = new TablePartitioning(db, base.id());
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the catalog " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /** The snapshot this transaction started from. */
  long baseSnapshotId() {
    return base.id();
  }

  void checkOpen() {
    if (finished) {
      throw new IllegalStateException("The transaction was committed or aborted already");
    }
  }

  private SchemaModel schema(String name) {
    SchemaModel s = schemas.get(name);
    if (s == null) {
      for (SchemaModel candidate : schemas.values()) {
        if (candidate.name.equalsIgnoreCase(name)) {
          return candidate;
        }
      }
    }
    return s;
  }

  private TableModel findTable(TableName name) {
    SchemaModel s = schema(name.schema());
    if (s == null) {
      return null;
    }
    for (TableModel t : tables) {
      if (t.schema == s && !t.dropped && t.name.equals(name.name())) {
        return t;
      }
    }
    for (TableModel t : tables) {
      if (t.schema == s && !t.dropped && t.name.equalsIgnoreCase(name.name())) {
        return t;
      }
    }
    if (s.existingId == null) {
      return null;
    }
    CatalogReads.TableRow found = null;
    for (CatalogReads.TableRow r : tableRowsBySchema.getOrDefault(s.existingId, List.of())) {
      if (r.name().equals(name.name())
          || (found == null && r.name().equalsIgnoreCase(name.name()))) {
        found = r;
      }
    }
    if (found == null) {
      return null;
    }
    for (TableModel t : tables) {
      if (t.existingId != null && t.existingId == found.id()) {
        return null; // renamed or dropped in this transaction
      }
    }
    TableModel t =
        new TableModel(
            found.id(), s, found.name(), found.uuid(), found.path(), found.relative(), false);
    List<ColumnNode> columns = columnCache.get(found.id(), found.uuid(), base.schemaVersion());
    if (columns == null) {
      try (Connection c = db.connect()) {
        columns = reads.columns(c, found.id(), base.id());
      } catch (SQLException e) {
        throw new DuckLakeException(
            "Cannot read the columns of table " + name + ": " + e.getMessage(), e);
      }
      columnCache.put(found.id(), found.uuid(), base.schemaVersion(), columns);
    }
    t.columns = new ArrayList<>(columns);
    tables.add(t);
    return t;
  }

  /**
   * The first column id a new column of the table may take: one above every id the table ever used
   * (ids of dropped columns are never reused). Read only when a column is added, as the cached
   * columns do not tell it.
   */
  private long nextColumnId(TableModel t) {
    if (t.nextColumnId == 0) {
      try (Connection c = db.connect()) {
        t.nextColumnId = reads.maxColumnId(c, t.existingId) + 1;
      } catch (SQLException e) {
        throw new DuckLakeException(
            "Cannot read the column ids of table " + t.label() + ": " + e.getMessage(), e);
      }
    }
    return t.nextColumnId;
  }

  TableModel table(TableName name) {
    TableModel t = findTable(name);
    if (t == null) {
      throw new DuckLakeException("Table " + name + " does not exist");
    }
    return t;
  }

  /** The current columns of a table as this transaction sees it. */
  List<ColumnNode> columns(TableName name) {
    return List.copyOf(table(name).columns);
  }

  /** Whether a table exists as this transaction sees it. */
  boolean tableExists(TableName name) {
    return findTable(name) != null;
  }

  /** Whether a schema exists as this transaction sees it. */
  boolean schemaExists(String name) {
    return schema(name) != null;
  }

  void createSchema(String name) {
    checkOpen();
    if (name == null || name.isEmpty()) {
      throw new DuckLakeException("A schema name must not be empty");
    }
    if (schema(name) != null) {
      throw new DuckLakeException("Schema " + name + " exists already");
    }
    SchemaModel s =
        new SchemaModel(
            null, name, Uuids.v7().toString(), LakePaths.directoryFor(name), true, true);
    schemas.put(name, s);
    newSchemas.add(s);
  }

  void createTable(TableName name, List<ColumnDefinition> columns) {
    checkOpen();
    SchemaModel s = schema(name.schema());
    if (s == null) {
      throw new DuckLakeException(
          "Cannot create table " + name + ": schema " + name.schema() + " does not exist");
    }
    if (findTable(name) != null) {
      throw new DuckLakeException("Table " + name + " exists already");
    }
    if (columns.isEmpty()) {
      throw new DuckLakeException("Table " + name + " needs at least one column");
    }
    TableModel t =
        new TableModel(
            null,
            s,
            name.name(),
            Uuids.v7().toString(),
            LakePaths.directoryFor(name.name()),
            true,
            true);
    long[] next = {1};
    t.columns = new ArrayList<>();
    for (ColumnDefinition d : columns) {
      checkNewColumnName(t, d.name());
      ColumnNode node = ColumnNode.fromDefinition(d, next, false);
      t.columns.add(node);
    }
    t.nextColumnId = next[0];
    tables.add(t);
  }

  private static void checkNewColumnName(TableModel t, String name) {
    if (t.column(name) != null) {
      throw new DuckLakeException("Table " + t.label() + " has a column " + name + " already");
    }
  }

  private void alter(TableModel t) {
    if (!t.created) {
      t.altered = true;
    }
  }

  /** The table's partitioning as of this transaction, or null if it is not partitioned. */
  PartitionSpec partitioning(TableName name) {
    checkOpen();
    return partitions.of(table(name));
  }

  /**
   * Partitions the table by {@code keys} from this snapshot on (see {@link
   * TransactionState#setPartitioning}).
   */
  boolean setPartitioning(TableName name, List<PartitionField> keys) {
    checkOpen();
    TableModel t = table(name);
    if (!partitions.set(t, keys)) {
      return false;
    }
    alter(t);
    return true;
  }

  void addColumn(TableName name, ColumnDefinition column) {
    checkOpen();
    TableModel t = table(name);
    checkNewColumnName(t, column.name());
    long[] next = {nextColumnId(t)};
    ColumnNode node = ColumnNode.fromDefinition(column, next, !t.created);
    t.nextColumnId = next[0];
    t.columns.add(node);
    if (!t.created) {
      for (TableModel.ColumnRow r : TableModel.rowsOf(node, null)) {
        t.pendingRows.put(r.id(), r);
        t.createdColumns.add(r.id());
      }
    }
    alter(t);
  }

  void renameColumn(TableName name, String from, String to) {
    checkOpen();
    TableModel t = table(name);
    ColumnNode c = requireColumn(t, from);
    if (!c.name().equals(to) && t.column(to) != null && !to.equalsIgnoreCase(c.name())) {
      throw new DuckLakeException("Table " + name + " has a column " + to + " already");
    }
    replaceColumn(t, c, c.withName(to));
  }

  void promoteColumn(TableName name, String column, LakeType.Primitive to) {
    checkOpen();
    TableModel t = table(name);
    ColumnNode c = requireColumn(t, column);
    if (c.typeName().equals(to.ducklakeName())) {
      return;
    }
    if (!TypePromotion.allowed(c.typeName(), to.ducklakeName())) {
      throw new DuckLakeException(
          "Cannot change column "
              + column
              + " of table "
              + name
              + " from "
              + c.typeName()
              + " to "
              + to.ducklakeName()
              + ": DuckLake only widens a column to DuckDB's maximum type of both");
    }
    replaceColumn(t, c, c.withType(to.ducklakeName()));
  }

  private void replaceColumn(TableModel t, ColumnNode old, ColumnNode updated) {
    t.columns.set(t.columns.indexOf(old), updated);
    if (t.created) {
      return;
    }
    if (!t.createdColumns.contains(old.id())) {
      t.endedColumns.add(old.id());
    }
    t.pendingRows.put(
        old.id(),
        new TableModel.ColumnRow(
            updated.id(),
            updated.name(),
            updated.typeName(),
            updated.nullable(),
            updated.initialDefault(),
            updated.defaultValue(),
            null,
            updated.isNested()));
    alter(t);
  }

  void dropColumn(TableName name, String column) {
    checkOpen();
    TableModel t = table(name);
    ColumnNode c = requireColumn(t, column);
    if (t.columns.size() == 1) {
      throw new DuckLakeException("Cannot drop the only column " + column + " of table " + name);
    }
    t.columns.remove(c);
    if (!t.created) {
      for (ColumnNode n : c.flatten()) {
        t.pendingRows.remove(n.id());
        if (!t.createdColumns.contains(n.id())) {
          t.endedColumns.add(n.id());
        }
      }
    }
    alter(t);
  }

  private static ColumnNode requireColumn(TableModel t, String column) {
    ColumnNode c = t.column(column);
    if (c == null) {
      throw new DuckLakeException("Table " + t.label() + " has no column " + column);
    }
    return c;
  }

  void renameTable(TableName name, String newName) {
    checkOpen();
    TableModel t = table(name);
    if (findTable(new TableName(t.schema.name, newName)) != null) {
      throw new DuckLakeException(
          "Cannot rename table " + name + ": table " + newName + " exists already");
    }
    t.name = newName;
    if (!t.created) {
      t.renamed = true;
    }
  }

  /** Removes a table (its written files were discarded by the caller). */
  void dropTable(TableName name) {
    checkOpen();
    TableModel t = table(name);
    t.files.clear();
    t.deletes.clear();
    if (t.created) {
      tables.remove(t);
    } else {
      t.dropped = true;
    }
  }

  void commitInfo(String author, String message, String extraInfo) {
    this.author = author;
    this.commitMessage = message;
    this.commitExtraInfo = extraInfo;
  }

  /** Whether an author, message or extra info was set. */
  boolean hasCommitInfo() {
    return author != null || commitMessage != null || commitExtraInfo != null;
  }

  void validator(CommitValidator validator) {
    this.validator = validator;
  }

  boolean isEmpty() {
    if (!newSchemas.isEmpty()) {
      return false;
    }
    for (TableModel t : tables) {
      if (t.hasCatalogChange() || !t.files.isEmpty() || !t.deletes.isEmpty()) {
        return false;
      }
    }
    return true;
  }
}
