package dev.ducklift.ducklake.write;

import static dev.ducklift.ducklake.catalog.CatalogDatabase.literal;

import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.ColumnStats;
import dev.ducklift.ducklake.CommitConflictException;
import dev.ducklift.ducklake.CommitResult;
import dev.ducklift.ducklake.CommitStateUnknownException;
import dev.ducklift.ducklake.CommitValidator;
import dev.ducklift.ducklake.DataFileInfo;
import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.DuckLakeOptions;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.LogicalConflictException;
import dev.ducklift.ducklake.SnapshotInfo;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.internal.LakePaths;
import dev.ducklift.ducklake.internal.Uuids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The working state of one transaction: the catalog as of its base snapshot, the changes made to
 * it, the files written for it, and the optimistic commit loop that turns them into one snapshot.
 *
 * <p>Changes are resolved against the base snapshot when they are made (so errors such as an
 * unknown table surface immediately) and files are written then; each commit attempt re-reads the
 * latest snapshot, checks what was committed since against the official conflict rules, allocates
 * ids and row ids afresh and writes the catalog rows.
 */
public final class TransactionState {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionState.class);

  private final CatalogDatabase db;
  private final CatalogReads reads;
  private final String dataPath;
  private final DuckLakeOptions options;
  private final Supplier<Connection> scratch;
  private final ColumnCache columnCache;
  private final CatalogReads.SnapshotRow base;
  private final Map<String, SchemaModel> schemas = new LinkedHashMap<>();
  private final Map<Long, List<CatalogReads.TableRow>> tableRowsBySchema = new HashMap<>();
  private final List<TableModel> tables = new ArrayList<>();
  private final List<SchemaModel> newSchemas = new ArrayList<>();
  private String author;
  private String commitMessage;
  private String commitExtraInfo;
  private CommitValidator validator;
  private boolean finished;

  public TransactionState(
      CatalogDatabase db, String dataPath, DuckLakeOptions options, Supplier<Connection> scratch) {
    this(db, dataPath, options, scratch, new ColumnCache());
  }

  /**
   * Starts a transaction at the latest snapshot, taking the columns of tables from {@code
   * columnCache} when the base snapshot's schema version matches (shared by the transactions of one
   * lake).
   */
  public TransactionState(
      CatalogDatabase db,
      String dataPath,
      DuckLakeOptions options,
      Supplier<Connection> scratch,
      ColumnCache columnCache) {
    this.db = db;
    this.reads = new CatalogReads(db);
    this.dataPath = dataPath;
    this.options = options;
    this.scratch = scratch;
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
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the catalog " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /** The snapshot this transaction started from. */
  public long baseSnapshotId() {
    return base.id();
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("The transaction was committed or aborted already");
    }
  }

  // ---------------------------------------------------------------- resolution

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

  private TableModel table(TableName name) {
    TableModel t = findTable(name);
    if (t == null) {
      throw new DuckLakeException("Table " + name + " does not exist");
    }
    return t;
  }

  /** The current columns of a table as this transaction sees it. */
  public List<ColumnNode> columns(TableName name) {
    return List.copyOf(table(name).columns);
  }

  /** Whether a table exists as this transaction sees it. */
  public boolean tableExists(TableName name) {
    return findTable(name) != null;
  }

  /** Whether a schema exists as this transaction sees it. */
  public boolean schemaExists(String name) {
    return schema(name) != null;
  }

  // ---------------------------------------------------------------- catalog changes

  public void createSchema(String name) {
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

  public void createTable(TableName name, List<ColumnDefinition> columns) {
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

  public void addColumn(TableName name, ColumnDefinition column) {
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

  public void renameColumn(TableName name, String from, String to) {
    checkOpen();
    TableModel t = table(name);
    ColumnNode c = requireColumn(t, from);
    if (!c.name().equals(to) && t.column(to) != null && !to.equalsIgnoreCase(c.name())) {
      throw new DuckLakeException("Table " + name + " has a column " + to + " already");
    }
    replaceColumn(t, c, c.withName(to));
  }

  public void promoteColumn(TableName name, String column, LakeType.Primitive to) {
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
              + ": DuckLake changes a column only to a type that holds both (DuckDB's max type)");
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

  public void dropColumn(TableName name, String column) {
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

  public void renameTable(TableName name, String newName) {
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

  public void dropTable(TableName name) {
    checkOpen();
    TableModel t = table(name);
    for (WrittenFile f : t.files) {
      ParquetFiles.deleteQuietly(f.absolutePath());
    }
    for (TableModel.DeletePlan p : t.deletes.values()) {
      if (p.deleteFile() != null) {
        ParquetFiles.deleteQuietly(p.deleteFile().absolutePath());
      }
    }
    t.files.clear();
    t.deletes.clear();
    if (t.created) {
      tables.remove(t);
    } else {
      t.dropped = true;
    }
  }

  // ---------------------------------------------------------------- data

  /** Writes the rows of {@code query} (run on {@code duckdb}) as new data files of the table. */
  public long append(TableName name, Connection duckdb, String query) {
    checkOpen();
    TableModel t = table(name);
    List<WrittenFile> written =
        ParquetFiles.writeData(
            duckdb == null ? scratch.get() : duckdb,
            query,
            t.label(),
            t.columns,
            t.directory(dataPath),
            options.targetFileSizeBytes());
    t.files.addAll(written);
    return written.stream().mapToLong(WrittenFile::recordCount).sum();
  }

  /**
   * Deletes the rows of a table, as committed at the base snapshot, that match {@code predicate} (a
   * DuckDB SQL condition over the table's current column names, evaluated on {@code duckdb}).
   *
   * @param onlyDataFiles if not null, only these data files are searched (the caller pruned the
   *     others, for example by their column statistics)
   * @return how many rows the predicate newly deletes
   */
  public long deleteWhere(
      TableName name, Connection duckdb, String predicate, Set<Long> onlyDataFiles) {
    checkOpen();
    TableModel t = table(name);
    if (t.created) {
      return 0;
    }
    Connection duck = duckdb == null ? scratch.get() : duckdb;
    List<CatalogReads.LiveFile> live;
    try (Connection c = db.connect()) {
      refuseInlinedData(c, t);
      live = reads.liveFiles(c, t.existingId, base.id());
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot list the files of table " + name + ": " + e.getMessage(), e);
    }
    String tableDir = t.directory(dataPath);
    String schemaMap = readSchema(t);
    Map<String, CatalogReads.LiveFile> candidates = new LinkedHashMap<>();
    for (CatalogReads.LiveFile f : live) {
      TableModel.DeletePlan previous = t.deletes.get(f.dataFileId());
      if ((onlyDataFiles == null || onlyDataFiles.contains(f.dataFileId()))
          && (previous == null || !previous.endsFile())) {
        candidates.put(LakePaths.resolve(tableDir, f.path(), f.relative()), f);
      }
    }
    Map<String, Long> matches = matchingRows(duck, t, schemaMap, predicate, candidates.keySet());
    long total = 0;
    for (Map.Entry<String, Long> m : matches.entrySet()) {
      String dataFile = m.getKey();
      CatalogReads.LiveFile f = candidates.get(dataFile);
      TableModel.DeletePlan previous = t.deletes.get(f.dataFileId());
      boolean committedDeletes = f.deleteFileId() != null;
      if (previous == null && !committedDeletes && m.getValue() == f.recordCount()) {
        t.deletes.put(f.dataFileId(), TableModel.DeletePlan.endFile(f, m.getValue()));
        total += m.getValue();
        continue;
      }
      long before = previous != null ? previous.deleteFile().recordCount() : f.deleteCount();
      long earlier = previous != null ? previous.newlyDeleted() : 0;
      // Like the official extension: the first delete file of a data file lists positions only;
      // once a committed delete file exists, the replacement tags every position with the
      // snapshot that deleted it, so the old file can leave the catalog without losing history.
      Long tag = committedDeletes ? base.id() + 1 : null;
      String matching =
          "SELECT file_row_number AS pos"
              + (tag != null ? ", CAST(" + tag + " AS BIGINT) AS snap" : "")
              + " FROM read_parquet("
              + literal(dataFile)
              + ", schema = "
              + schemaMap
              + ", file_row_number = true) WHERE ("
              + predicate
              + ")";
      String positions;
      if (tag == null) {
        positions =
            previous == null
                ? matching
                : matching
                    + " UNION SELECT pos FROM read_parquet("
                    + literal(previous.deleteFile().absolutePath())
                    + ")";
      } else {
        String existing;
        if (previous != null) {
          existing =
              "SELECT pos, _ducklake_internal_snapshot_id AS snap FROM read_parquet("
                  + literal(previous.deleteFile().absolutePath())
                  + ")";
        } else {
          String path = LakePaths.resolve(tableDir, f.deletePath(), f.deleteRelative());
          existing =
              "SELECT pos, "
                  + (hasSnapshotColumn(duck, path, t)
                      ? "_ducklake_internal_snapshot_id"
                      : "CAST(" + f.deleteBeginSnapshot() + " AS BIGINT)")
                  + " AS snap FROM read_parquet("
                  + literal(path)
                  + ")";
        }
        positions =
            "SELECT pos, min(snap) AS snap FROM ("
                + existing
                + " UNION ALL "
                + matching
                + ") GROUP BY pos";
      }
      WrittenFile del =
          ParquetFiles.writeDeletes(duck, dataFile, positions, tag != null, tableDir, t.label());
      long newly = del.recordCount() - before;
      if (newly == 0) {
        ParquetFiles.deleteQuietly(del.absolutePath());
        continue;
      }
      if (previous != null) {
        ParquetFiles.deleteQuietly(previous.deleteFile().absolutePath());
      }
      if (del.recordCount() == f.recordCount()) {
        ParquetFiles.deleteQuietly(del.absolutePath());
        t.deletes.put(f.dataFileId(), TableModel.DeletePlan.endFile(f, newly + earlier));
      } else if (tag == null) {
        t.deletes.put(
            f.dataFileId(), new TableModel.DeletePlan(f, del, false, newly + earlier, null, 0));
      } else {
        t.deletes.put(
            f.dataFileId(),
            new TableModel.DeletePlan(
                f, del, false, newly + earlier, tag, smallestTag(duck, del, t)));
      }
      total += newly;
    }
    return total;
  }

  private static boolean hasSnapshotColumn(Connection duck, String path, TableModel t) {
    try (Statement s = duck.createStatement();
        ResultSet rs =
            s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + literal(path) + ")")) {
      while (rs.next()) {
        if ("_ducklake_internal_snapshot_id".equals(rs.getString(1))) {
          return true;
        }
      }
      return false;
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the delete file " + path + " of table " + t.label() + ": " + e.getMessage(),
          e);
    }
  }

  private static long smallestTag(Connection duck, WrittenFile del, TableModel t) {
    try (Statement s = duck.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT min(_ducklake_internal_snapshot_id) FROM read_parquet("
                    + literal(del.absolutePath())
                    + ")")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      ParquetFiles.deleteQuietly(del.absolutePath());
      throw new DuckLakeException(
          "Cannot read back the delete file "
              + del.absolutePath()
              + " of table "
              + t.label()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Rewrites the tagged delete files of this transaction whose new positions carry another snapshot
   * id than the one this attempt commits as (a retry after other writers committed), removing the
   * stale files.
   */
  private void retagDeletes(long snapshot) {
    for (TableModel t : tables) {
      for (Map.Entry<Long, TableModel.DeletePlan> e : t.deletes.entrySet()) {
        TableModel.DeletePlan p = e.getValue();
        if (!p.tagged() || p.taggedAs() == snapshot) {
          continue;
        }
        WrittenFile old = p.deleteFile();
        String dir =
            old.absolutePath()
                .substring(0, old.absolutePath().length() - old.relativePath().length());
        String positions =
            "SELECT pos, CASE WHEN _ducklake_internal_snapshot_id = "
                + p.taggedAs()
                + " THEN "
                + snapshot
                + " ELSE _ducklake_internal_snapshot_id END AS snap FROM read_parquet("
                + literal(old.absolutePath())
                + ")";
        String dataFile;
        try (Statement s = scratch.get().createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT file_path FROM read_parquet("
                        + literal(old.absolutePath())
                        + ") LIMIT 1")) {
          rs.next();
          dataFile = rs.getString(1);
        } catch (SQLException ex) {
          throw new DuckLakeException(
              "Cannot read back the delete file "
                  + old.absolutePath()
                  + " of table "
                  + t.label()
                  + ": "
                  + ex.getMessage(),
              ex);
        }
        WrittenFile fresh =
            ParquetFiles.writeDeletes(scratch.get(), dataFile, positions, true, dir, t.label());
        e.setValue(
            new TableModel.DeletePlan(
                p.file(), fresh, false, p.newlyDeleted(), snapshot, p.beginSnapshot()));
        ParquetFiles.deleteQuietly(old.absolutePath());
      }
    }
  }

  /** Rows matching the predicate per data file (deleted rows included), one scan for all files. */
  private static Map<String, Long> matchingRows(
      Connection duck, TableModel t, String schemaMap, String predicate, Set<String> files) {
    Map<String, Long> out = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(files);
    for (int from = 0; from < all.size(); from += 500) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
      StringBuilder list = new StringBuilder("[");
      for (int i = 0; i < chunk.size(); i++) {
        list.append(i > 0 ? ", " : "").append(literal(chunk.get(i)));
      }
      list.append(']');
      String sql =
          "SELECT \"__ducklift_file\", count(*) FROM read_parquet("
              + list
              + ", schema = "
              + schemaMap
              + ", filename = '__ducklift_file') WHERE ("
              + predicate
              + ") GROUP BY 1";
      try (Statement s = duck.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      } catch (SQLException e) {
        throw new DuckLakeException(
            "Cannot evaluate the delete condition on table " + t.label() + ": " + e.getMessage(),
            e);
      }
    }
    Map<String, Long> ordered = new LinkedHashMap<>();
    for (String f : files) {
      if (out.containsKey(f)) {
        ordered.put(f, out.get(f));
      }
    }
    return ordered;
  }

  private void refuseInlinedData(Connection c, TableModel t) throws SQLException {
    // deletes the official extension inlined into the catalog must not be repeated in a delete
    // file (readers add both up); Ducklift does not merge them, so it refuses
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM " + db.table("ducklake_inlined_delete_" + t.existingId))) {
      rs.next();
      if (rs.getLong(1) > 0) {
        throw new DuckLakeException(
            "Cannot delete from table "
                + t.label()
                + ": it has deletes inlined in the catalog (written by the official extension);"
                + " flush them first (CALL ducklake_flush_inlined_data)");
      }
    } catch (SQLException e) {
      if (!isMissingTable(e)) {
        throw e;
      }
    }
    refuseInlinedRows(c, t);
  }

  private static boolean isMissingTable(SQLException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return "42P01".equals(e.getSQLState())
        || (m.contains("does not exist") && m.contains("ducklake_inlined_delete_"));
  }

  private void refuseInlinedRows(Connection c, TableModel t) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT table_name FROM "
                + db.table("ducklake_inlined_data_tables")
                + " WHERE table_id = ?")) {
      ps.setLong(1, t.existingId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          try (Statement s = c.createStatement();
              ResultSet n =
                  s.executeQuery(
                      "SELECT count(*) FROM "
                          + db.table(rs.getString(1))
                          + " WHERE end_snapshot IS NULL")) {
            n.next();
            if (n.getLong(1) > 0) {
              throw new DuckLakeException(
                  "Cannot delete from table "
                      + t.label()
                      + ": it holds inlined rows (written by the official extension); flush them"
                      + " to Parquet first (CALL ducklake_flush_inlined_data)");
            }
          }
        }
      }
    }
  }

  /** The {@code schema} parameter of {@code read_parquet} mapping field ids to current names. */
  private static String readSchema(TableModel t) {
    StringBuilder b = new StringBuilder("MAP {");
    for (int i = 0; i < t.columns.size(); i++) {
      ColumnNode c = t.columns.get(i);
      if (i > 0) {
        b.append(", ");
      }
      String dflt =
          c.initialDefault() == null
              ? "NULL"
              : "CAST(" + literal(c.initialDefault()) + " AS " + c.type().duckdbType() + ")";
      b.append(c.id())
          .append(": {name: ")
          .append(literal(c.name()))
          .append(", type: ")
          .append(literal(c.type().duckdbType()))
          .append(", default_value: ")
          .append(dflt)
          .append("}");
    }
    return b.append('}').toString();
  }

  // ---------------------------------------------------------------- commit

  public void commitInfo(String author, String message, String extraInfo) {
    this.author = author;
    this.commitMessage = message;
    this.commitExtraInfo = extraInfo;
  }

  /** Whether an author, message or extra info was set. */
  public boolean hasCommitInfo() {
    return author != null || commitMessage != null || commitExtraInfo != null;
  }

  public void validator(CommitValidator validator) {
    this.validator = validator;
  }

  /** Deletes every file written for this transaction and closes it. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    deleteFiles();
  }

  private void deleteFiles() {
    for (TableModel t : tables) {
      for (WrittenFile f : t.files) {
        ParquetFiles.deleteQuietly(f.absolutePath());
      }
      for (TableModel.DeletePlan p : t.deletes.values()) {
        if (p.deleteFile() != null) {
          ParquetFiles.deleteQuietly(p.deleteFile().absolutePath());
        }
      }
    }
  }

  private boolean isEmpty() {
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

  /**
   * Commits all changes as one snapshot, retrying on conflicts with concurrent writers.
   *
   * @return the result, or {@code null} if the transaction changed nothing
   */
  public CommitResult commit() {
    checkOpen();
    if (isEmpty()) {
      finished = true;
      return null;
    }
    long checkedUpTo = base.id();
    SQLException lastConflict = null;
    for (int attempt = 0; attempt < options.maxCommitAttempts(); attempt++) {
      if (attempt > 0) {
        sleepBeforeRetry(attempt);
      }
      Connection c;
      try {
        c = db.connect();
      } catch (SQLException e) {
        abort();
        throw new DuckLakeException(
            "Cannot connect to the catalog " + db.location() + " to commit: " + e.getMessage(), e);
      }
      Attempt a = new Attempt();
      try (c) {
        c.setAutoCommit(false);
        try {
          checkedUpTo = writeAttempt(c, a, checkedUpTo);
        } catch (SQLException e) {
          rollbackQuietly(c);
          db.releaseCommitLock();
          // a connection lost before COMMIT was sent committed nothing: try again on a new one
          if (isRetryable(e) || isConnectionLoss(e)) {
            lastConflict = e;
            continue;
          }
          abort();
          throw new DuckLakeException(
              "Cannot commit to the catalog " + db.location() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
          rollbackQuietly(c);
          db.releaseCommitLock();
          abort();
          throw e;
        }
        try {
          if (a.finalBatch != null) {
            a.finalBatch.flushAndCommit(c);
          } else {
            c.commit();
          }
        } catch (SQLException e) {
          db.releaseCommitLock();
          if (isRetryable(e) && !isConnectionLoss(e)) {
            rollbackQuietly(c);
            lastConflict = e;
            continue;
          }
          if (a.finalBatch != null && !isConnectionLoss(e)) {
            // the server refused a statement of the batch or the COMMIT itself: nothing landed
            rollbackQuietly(c);
            abort();
            throw new DuckLakeException(
                "Cannot commit to the catalog " + db.location() + ": " + e.getMessage(), e);
          }
          Boolean landed = resolveOutcome(a);
          if (landed == null) {
            finished = true;
            throw new CommitStateUnknownException(
                "The connection to the catalog "
                    + db.location()
                    + " failed while committing snapshot "
                    + a.snapshotId
                    + " and the catalog could not be read back; the commit may or may not be in"
                    + " the lake",
                e);
          }
          if (!landed) {
            lastConflict = e;
            continue;
          }
        }
        db.releaseCommitLock();
        finished = true;
        return a.result(attempt + 1);
      } catch (SQLException connectionFailure) {
        // preparing the connection failed (nothing was written: try again), or closing it failed
        // after the outcome was settled above
        LOG.debug("A catalog connection failed outside the commit statements", connectionFailure);
        db.releaseCommitLock();
        if (finished) {
          return a.result(attempt + 1);
        }
        lastConflict = connectionFailure;
      }
    }
    abort();
    throw new CommitConflictException(
        "Gave up committing to "
            + db.location()
            + " after "
            + options.maxCommitAttempts()
            + " attempts lost to concurrent writers or failed catalog connections",
        lastConflict);
  }

  private void sleepBeforeRetry(int attempt) {
    double wait =
        options.retryBaseWait().toNanos()
            * ThreadLocalRandom.current().nextDouble(0.5, 1.0)
            * Math.pow(options.retryBackoff(), attempt);
    try {
      Thread.sleep((long) (wait / 1_000_000), (int) (wait % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort();
      throw new DuckLakeException("Interrupted while retrying a commit", e);
    }
  }

  static boolean isRetryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.equals("23505") || state.equals("40001") || state.equals("40P01")) {
          return true;
        }
      }
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("primary key")
          || m.contains("unique")
          || m.contains("conflict")
          || m.contains("concurrent")
          || m.contains("duplicate key")) {
        return true;
      }
    }
    return false;
  }

  static boolean isConnectionLoss(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("08");
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.debug("Rolling back a failed commit attempt failed", e);
    }
  }

  /** Whether the snapshot of an attempt whose COMMIT failed is in the catalog; null if unknown. */
  private Boolean resolveOutcome(Attempt a) {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT c.changes_made, c.author, c.commit_message, c.commit_extra_info FROM "
                    + db.table("ducklake_snapshot_changes")
                    + " c WHERE c.snapshot_id = ?")) {
      ps.setLong(1, a.snapshotId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        boolean same =
            a.changes.equals(rs.getString(1))
                && java.util.Objects.equals(author, rs.getString(2))
                && java.util.Objects.equals(commitMessage, rs.getString(3))
                && java.util.Objects.equals(commitExtraInfo, rs.getString(4));
        if (!same) {
          return false;
        }
      }
      if (a.marker != null) {
        try (PreparedStatement m = c.prepareStatement(a.markerQuery)) {
          m.setString(1, a.marker);
          m.setLong(2, a.snapshotId);
          try (ResultSet rs = m.executeQuery()) {
            return rs.next();
          }
        }
      }
      return true;
    } catch (SQLException e) {
      LOG.warn("Cannot read back the outcome of snapshot {}: {}", a.snapshotId, e.toString());
      return null;
    }
  }

  /** What one attempt wrote. */
  private final class Attempt {
    long snapshotId;
    long schemaVersion;
    long nextCatalogId;
    long nextFileId;
    String changes;
    String marker;
    String markerQuery;
    long rowsInserted;
    long rowsDeleted;
    final List<DataFileInfo> files = new ArrayList<>();

    /** The attempt's last catalog writes, still to be sent together with COMMIT. */
    CatalogBatch finalBatch;

    CommitResult result(int attempts) {
      SnapshotInfo info =
          new SnapshotInfo(
              snapshotId,
              null,
              schemaVersion,
              nextCatalogId,
              nextFileId,
              changes,
              author,
              commitMessage,
              commitExtraInfo);
      return new CommitResult(info, attempts, files, rowsInserted, rowsDeleted);
    }
  }

  /** Table statistics as stored in the catalog, read before the new files are added. */
  private record StoredStats(
      long recordCount, long nextRowId, long fileSize, List<Object[]> columns) {}

  /**
   * Takes the commit lock (if commits queue) and reads, in one round trip on PostgreSQL, what the
   * attempt depends on: the snapshots since {@code checkedUpTo} with their changes, the latest
   * snapshot, and the stored statistics of the tables it appends to.
   */
  private CatalogReads.SnapshotRow readForAttempt(
      Connection c, long checkedUpTo, List<SnapshotInfo> since, Map<Long, StoredStats> stats)
      throws SQLException {
    List<String> queries = new ArrayList<>();
    String lock = options.queueCommits() ? db.commitLockSql() : null;
    if (options.queueCommits() && lock == null) {
      db.acquireCommitLock(c);
    }
    if (lock != null) {
      queries.add(lock);
    }
    queries.add(
        "SELECT s.snapshot_id, s.snapshot_time, s.schema_version, s.next_catalog_id,"
            + " s.next_file_id, c.changes_made, c.author, c.commit_message, c.commit_extra_info"
            + " FROM "
            + db.table("ducklake_snapshot")
            + " s LEFT JOIN "
            + db.table("ducklake_snapshot_changes")
            + " c ON c.snapshot_id = s.snapshot_id WHERE s.snapshot_id >= ? ORDER BY"
            + " s.snapshot_id");
    StringBuilder ids = new StringBuilder();
    for (TableModel t : tables) {
      if (!t.files.isEmpty() && !t.created) {
        ids.append(ids.length() == 0 ? "" : ", ").append(t.id());
      }
    }
    if (ids.length() > 0) {
      queries.add(
          "SELECT ts.table_id, ts.record_count, ts.next_row_id, ts.file_size_bytes, cs.column_id,"
              + " cs.contains_null, cs.contains_nan, cs.min_value, cs.max_value FROM "
              + db.table("ducklake_table_stats")
              + " ts LEFT JOIN "
              + db.table("ducklake_table_column_stats")
              + " cs ON cs.table_id = ts.table_id WHERE ts.table_id IN ("
              + ids
              + ")");
    }
    List<SnapshotInfo> rows = new ArrayList<>();
    boolean together = db.dialect() == CatalogDatabase.Dialect.POSTGRES;
    // the snapshot bound is a parameter, so the text repeats and the driver's statement cache
    // spares the server from planning these reads again while the commit lock is held
    if (together) {
      try (PreparedStatement ps = c.prepareStatement(String.join(";\n", queries))) {
        ps.setLong(1, checkedUpTo);
        boolean isResult = ps.execute();
        for (int q = 0; q < queries.size(); q++) {
          if (q > 0) {
            isResult = ps.getMoreResults();
          }
          if (!isResult) {
            throw new SQLException("The catalog returned no rows for a commit read");
          }
          try (ResultSet rs = ps.getResultSet()) {
            readResult(q - (lock != null ? 1 : 0), rs, rows, stats);
          }
        }
      }
    } else {
      for (int q = 0; q < queries.size(); q++) {
        try (PreparedStatement st = c.prepareStatement(queries.get(q))) {
          if (q == (lock != null ? 1 : 0)) {
            st.setLong(1, checkedUpTo);
          }
          try (ResultSet rs = st.executeQuery()) {
            readResult(q - (lock != null ? 1 : 0), rs, rows, stats);
          }
        }
      }
    }
    if (rows.isEmpty() || rows.get(0).snapshotId() != checkedUpTo) {
      // the snapshot checked up to was expired meanwhile: fall back to the separate reads
      since.addAll(reads.snapshotsAfter(c, checkedUpTo));
      return reads.latestSnapshot(c);
    }
    since.addAll(rows.subList(1, rows.size()));
    SnapshotInfo last = rows.get(rows.size() - 1);
    return new CatalogReads.SnapshotRow(
        last.snapshotId(), last.schemaVersion(), last.nextCatalogId(), last.nextFileId());
  }

  private static void readResult(
      int which, ResultSet rs, List<SnapshotInfo> rows, Map<Long, StoredStats> stats)
      throws SQLException {
    if (which == 0) {
      while (rs.next()) {
        rows.add(
            new SnapshotInfo(
                rs.getLong(1),
                rs.getObject(2, java.time.OffsetDateTime.class),
                rs.getLong(3),
                rs.getLong(4),
                rs.getLong(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9)));
      }
    } else if (which == 1) {
      while (rs.next()) {
        long table = rs.getLong(1);
        StoredStats st = stats.get(table);
        if (st == null) {
          st = new StoredStats(rs.getLong(2), rs.getLong(3), rs.getLong(4), new ArrayList<>());
          stats.put(table, st);
        }
        long col = rs.getLong(5);
        if (rs.wasNull()) {
          continue;
        }
        Boolean nulls = rs.getBoolean(6);
        if (rs.wasNull()) {
          nulls = null;
        }
        Boolean nan = rs.getBoolean(7);
        if (rs.wasNull()) {
          nan = null;
        }
        st.columns().add(new Object[] {col, nulls, nan, rs.getString(8), rs.getString(9)});
      }
    } else {
      rs.next();
    }
  }

  private long writeAttempt(Connection c, Attempt a, long checkedUpTo) throws SQLException {
    List<SnapshotInfo> since = new ArrayList<>();
    Map<Long, StoredStats> stats = new HashMap<>();
    CatalogReads.SnapshotRow latest = readForAttempt(c, checkedUpTo, since, stats);
    if (!since.isEmpty()) {
      checkConflicts(c, since);
      if (validator != null) {
        validator.validate(since, c);
      }
      checkedUpTo = latest.id();
    }
    long s = latest.id() + 1;
    retagDeletes(s);
    boolean catalogChange = !newSchemas.isEmpty();
    for (TableModel t : tables) {
      catalogChange |= t.hasCatalogChange();
    }
    long schemaVersion = latest.schemaVersion() + (catalogChange ? 1 : 0);
    long nextCatalog = latest.nextCatalogId();
    for (SchemaModel sm : newSchemas) {
      sm.assignedId = nextCatalog++;
    }
    for (TableModel t : tables) {
      if (t.created) {
        t.assignedId = nextCatalog++;
      }
    }
    long nextFile = latest.nextFileId();
    for (TableModel t : tables) {
      nextFile += t.files.size();
      for (TableModel.DeletePlan p : t.deletes.values()) {
        if (p.deleteFile() != null) {
          nextFile++;
        }
      }
    }
    a.snapshotId = s;
    a.schemaVersion = schemaVersion;
    a.nextCatalogId = nextCatalog;
    a.nextFileId = nextFile;
    a.changes = changesMade();

    CatalogBatch batch = new CatalogBatch(db.dialect() == CatalogDatabase.Dialect.POSTGRES);
    batch.add(
        "INSERT INTO "
            + db.table("ducklake_snapshot")
            + " VALUES (?, "
            + snapshotTime()
            + ", ?, ?, ?)",
        s,
        schemaVersion,
        nextCatalog,
        nextFile);
    if (!newSchemas.isEmpty() || tables.stream().anyMatch(TableModel::hasCatalogChange)) {
      // schema and table changes read their own update counts: send the snapshot row first
      batch.flush(c);
    }
    writeSchemas(c, s);
    writeTables(c, s, schemaVersion);
    long fileId = latest.nextFileId();
    for (TableModel t : tables) {
      if (!t.files.isEmpty()) {
        fileId = writeDataFiles(batch, t, s, fileId, a, stats.get(t.id()));
      }
      if (!t.deletes.isEmpty()) {
        batch.flush(c);
        fileId = writeDeletes(c, t, s, fileId, a);
      }
    }
    batch.add(
        "INSERT INTO " + db.table("ducklake_snapshot_changes") + " VALUES (?, ?, ?, ?, ?)",
        s,
        a.changes,
        CatalogBatch.orNull(author),
        CatalogBatch.orNull(commitMessage),
        CatalogBatch.orNull(commitExtraInfo));
    if (db.dialect() == CatalogDatabase.Dialect.POSTGRES) {
      // sent with COMMIT by the caller: one round trip less while the commit lock is held
      a.finalBatch = batch;
    } else {
      batch.flush(c);
    }
    return checkedUpTo;
  }

  /**
   * The time of the snapshot. On PostgreSQL {@code NOW()} is when the transaction began, which is
   * before the wait for the commit lock, so a snapshot could get an earlier time than the one
   * committed while it waited; {@code clock_timestamp()} keeps times in snapshot order. A DuckDB
   * transaction begins after the in-process lock is taken.
   */
  private String snapshotTime() {
    return db.dialect() == CatalogDatabase.Dialect.POSTGRES ? "clock_timestamp()" : "NOW()";
  }

  private void writeSchemas(Connection c, long s) throws SQLException {
    if (newSchemas.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + db.table("ducklake_schema")
                + " VALUES (?, CAST(? AS UUID), ?, NULL, ?, ?, ?)")) {
      for (SchemaModel sm : newSchemas) {
        ps.setLong(1, sm.assignedId);
        ps.setString(2, sm.uuid);
        ps.setLong(3, s);
        ps.setString(4, sm.name);
        ps.setString(5, sm.path);
        ps.setBoolean(6, true);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void writeTables(Connection c, long s, long schemaVersion) throws SQLException {
    for (TableModel t : tables) {
      if (t.dropped) {
        endRows(c, s, "ducklake_table", "table_id", t.existingId);
        endRows(c, s, "ducklake_column", "table_id", t.existingId);
        endRows(c, s, "ducklake_data_file", "table_id", t.existingId);
        endRows(c, s, "ducklake_delete_file", "table_id", t.existingId);
        endRows(c, s, "ducklake_tag", "object_id", t.existingId);
        endRows(c, s, "ducklake_column_tag", "table_id", t.existingId);
        endRows(c, s, "ducklake_partition_info", "table_id", t.existingId);
        endRows(c, s, "ducklake_sort_info", "table_id", t.existingId);
        continue;
      }
      if (t.renamed) {
        int n = endRows(c, s, "ducklake_table", "table_id", t.existingId);
        if (n != 1) {
          throw new LogicalConflictException(
              "Table " + t.label() + " was changed by a concurrent commit");
        }
      }
      if (t.created || t.renamed) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + db.table("ducklake_table")
                    + " VALUES (?, CAST(? AS UUID), ?, NULL, ?, ?, ?, ?)")) {
          ps.setLong(1, t.id());
          ps.setString(2, t.uuid);
          ps.setLong(3, s);
          ps.setLong(4, t.schema.id());
          ps.setString(5, t.name);
          ps.setString(6, t.path);
          ps.setBoolean(7, t.pathRelative);
          ps.executeUpdate();
        }
      }
      List<TableModel.ColumnRow> rows = new ArrayList<>();
      if (t.created) {
        for (ColumnNode n : t.columns) {
          rows.addAll(TableModel.rowsOf(n, null));
        }
      } else {
        for (Long ended : t.endedColumns) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE "
                      + db.table("ducklake_column")
                      + " SET end_snapshot = ? WHERE table_id = ? AND column_id = ? AND"
                      + " end_snapshot IS NULL")) {
            ps.setLong(1, s);
            ps.setLong(2, t.existingId);
            ps.setLong(3, ended);
            ps.executeUpdate();
          }
        }
        for (TableModel.ColumnRow r : t.pendingRows.values()) {
          rows.add(r.parent() == null ? withParent(t, r) : r);
        }
      }
      if (!rows.isEmpty()) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + db.table("ducklake_column")
                    + " VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'duckdb')")) {
          for (TableModel.ColumnRow r : rows) {
            ps.setLong(1, r.id());
            ps.setLong(2, s);
            ps.setLong(3, t.id());
            ps.setLong(4, r.id());
            ps.setString(5, r.name());
            ps.setString(6, r.type());
            ps.setString(7, r.initialDefault());
            ps.setString(8, r.defaultValue() == null ? "NULL" : r.defaultValue());
            ps.setBoolean(9, r.nullable());
            if (r.parent() == null) {
              ps.setNull(10, java.sql.Types.BIGINT);
            } else {
              ps.setLong(10, r.parent());
            }
            ps.setString(11, r.nestedParent() ? "" : "literal");
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      if (t.hasCatalogChange()) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO " + db.table("ducklake_schema_versions") + " VALUES (?, ?, ?)")) {
          ps.setLong(1, s);
          ps.setLong(2, schemaVersion);
          ps.setLong(3, t.id());
          ps.executeUpdate();
        }
      }
    }
  }

  /** Pending rows of nested children keep their parent; top-level rows have none. */
  private static TableModel.ColumnRow withParent(TableModel t, TableModel.ColumnRow r) {
    for (ColumnNode top : t.columns) {
      if (top.id() == r.id()) {
        return r;
      }
      for (ColumnNode n : top.flatten()) {
        for (ColumnNode child : n.children()) {
          if (child.id() == r.id()) {
            return new TableModel.ColumnRow(
                r.id(),
                r.name(),
                r.type(),
                r.nullable(),
                r.initialDefault(),
                r.defaultValue(),
                n.id(),
                r.nestedParent());
          }
        }
      }
    }
    return r;
  }

  private int endRows(Connection c, long s, String table, String idColumn, long id)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE "
                + db.table(table)
                + " SET end_snapshot = ? WHERE "
                + idColumn
                + " = ? AND end_snapshot IS NULL")) {
      ps.setLong(1, s);
      ps.setLong(2, id);
      return ps.executeUpdate();
    }
  }

  private long writeDataFiles(
      CatalogBatch batch, TableModel t, long s, long fileId, Attempt a, StoredStats stored) {
    long tableId = t.id();
    long recordCount = 0;
    long nextRowId = 0;
    long fileSize = 0;
    boolean statsExist = !t.created && stored != null;
    if (statsExist) {
      recordCount = stored.recordCount();
      nextRowId = stored.nextRowId();
      fileSize = stored.fileSize();
    }
    Map<Long, String> leafTypes = new HashMap<>();
    Map<Long, String> leafNames = new HashMap<>();
    for (ColumnNode top : t.columns) {
      collectLeafNames(top, top.name(), leafTypes, leafNames);
    }
    Map<Long, ColumnStatsAccumulator> merged = new LinkedHashMap<>();
    if (statsExist) {
      for (Object[] r : stored.columns()) {
        long col = (Long) r[0];
        merged.put(
            col,
            ColumnStatsAccumulator.existing(
                leafTypes.get(col), (Boolean) r[1], (Boolean) r[2], (String) r[3], (String) r[4]));
      }
    }
    boolean newStats = !statsExist;
    String dataFileSql =
        "INSERT INTO "
            + db.table("ducklake_data_file")
            + " VALUES (?, ?, ?, NULL, NULL, ?, true, 'parquet', ?, ?, ?, ?, NULL, NULL,"
            + " NULL, NULL)";
    String fileStatsSql =
        "INSERT INTO "
            + db.table("ducklake_file_column_stats")
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)";
    for (WrittenFile f : t.files) {
      long id = fileId++;
      long rowStart = nextRowId;
      batch.add(
          dataFileSql,
          id,
          tableId,
          s,
          f.relativePath(),
          f.recordCount(),
          f.fileSizeBytes(),
          f.footerSize(),
          rowStart);
      nextRowId += f.recordCount();
      recordCount += f.recordCount();
      fileSize += f.fileSizeBytes();
      Map<String, ColumnStats> statsByName = new HashMap<>();
      for (FileColumnStats cs : f.columnStats()) {
        batch.add(
            fileStatsSql,
            id,
            tableId,
            cs.columnId(),
            CatalogBatch.orNull(cs.columnSizeBytes()),
            CatalogBatch.orNull(cs.valueCount()),
            CatalogBatch.orNull(cs.nullCount()),
            CatalogBatch.orNull(cs.minValue()),
            CatalogBatch.orNull(cs.maxValue()),
            CatalogBatch.orNull(cs.containsNan()));
        ColumnStatsAccumulator acc = merged.get(cs.columnId());
        if (acc == null && newStats) {
          acc = ColumnStatsAccumulator.empty(leafTypes.get(cs.columnId()));
          merged.put(cs.columnId(), acc);
        }
        if (acc != null) {
          acc.add(cs);
        }
        statsByName.put(
            leafNames.getOrDefault(cs.columnId(), Long.toString(cs.columnId())),
            new ColumnStats(
                cs.columnId(),
                cs.valueCount(),
                cs.nullCount(),
                cs.minValue(),
                cs.maxValue(),
                cs.containsNan()));
      }
      a.files.add(
          new DataFileInfo(
              id,
              tableId,
              f.absolutePath(),
              f.recordCount(),
              f.fileSizeBytes(),
              rowStart,
              s,
              0,
              null,
              statsByName));
      a.rowsInserted += f.recordCount();
    }
    if (newStats) {
      batch.add(
          "INSERT INTO " + db.table("ducklake_table_stats") + " VALUES (?, ?, ?, ?)",
          tableId,
          recordCount,
          nextRowId,
          fileSize);
      for (Map.Entry<Long, ColumnStatsAccumulator> e : merged.entrySet()) {
        Object[] v = e.getValue().values();
        batch.add(
            "INSERT INTO "
                + db.table("ducklake_table_column_stats")
                + " VALUES (?, ?, ?, ?, ?, ?, NULL)",
            tableId,
            e.getKey(),
            v[0],
            v[1],
            v[2],
            v[3]);
      }
    } else {
      batch.add(
          "UPDATE "
              + db.table("ducklake_table_stats")
              + " SET record_count = ?, next_row_id = ?, file_size_bytes = ? WHERE table_id = ?",
          recordCount,
          nextRowId,
          fileSize,
          tableId);
      for (Map.Entry<Long, ColumnStatsAccumulator> e : merged.entrySet()) {
        if (!e.getValue().changed()) {
          continue;
        }
        Object[] v = e.getValue().values();
        batch.add(
            "UPDATE "
                + db.table("ducklake_table_column_stats")
                + " SET contains_null = ?, contains_nan = ?, min_value = ?, max_value = ? WHERE"
                + " table_id = ? AND column_id = ?",
            v[0],
            v[1],
            v[2],
            v[3],
            tableId,
            e.getKey());
      }
    }
    if (a.marker == null && !t.files.isEmpty()) {
      a.marker = t.files.get(0).relativePath();
      a.markerQuery =
          "SELECT 1 FROM "
              + db.table("ducklake_data_file")
              + " WHERE path = ? AND begin_snapshot = ?";
    }
    return fileId;
  }

  private static void collectLeafNames(
      ColumnNode n, String path, Map<Long, String> types, Map<Long, String> names) {
    if (n.children().isEmpty()) {
      types.put(n.id(), n.typeName());
      names.put(n.id(), path);
      return;
    }
    for (ColumnNode c : n.children()) {
      collectLeafNames(c, path + "." + c.name(), types, names);
    }
  }

  private long writeDeletes(Connection c, TableModel t, long s, long fileId, Attempt a)
      throws SQLException {
    try (PreparedStatement ins =
            c.prepareStatement(
                "INSERT INTO "
                    + db.table("ducklake_delete_file")
                    + " VALUES (?, ?, ?, NULL, ?, ?, true, 'parquet', ?, ?, ?, NULL, ?)");
        PreparedStatement endDelete =
            c.prepareStatement(
                "UPDATE "
                    + db.table("ducklake_delete_file")
                    + " SET end_snapshot = ? WHERE delete_file_id = ? AND end_snapshot IS NULL");
        PreparedStatement removeDelete =
            c.prepareStatement(
                "DELETE FROM "
                    + db.table("ducklake_delete_file")
                    + " WHERE delete_file_id = ? AND end_snapshot IS NULL");
        PreparedStatement schedule =
            c.prepareStatement(
                "INSERT INTO "
                    + db.table("ducklake_files_scheduled_for_deletion")
                    + " VALUES (?, ?, ?, NOW())");
        PreparedStatement endData =
            c.prepareStatement(
                "UPDATE "
                    + db.table("ducklake_data_file")
                    + " SET end_snapshot = ? WHERE data_file_id = ? AND end_snapshot IS NULL")) {
      String tableDir = t.directory(dataPath);
      for (TableModel.DeletePlan p : t.deletes.values()) {
        CatalogReads.LiveFile f = p.file();
        if (f.deleteFileId() != null) {
          int changed;
          if (p.endsFile()) {
            endDelete.setLong(1, s);
            endDelete.setLong(2, f.deleteFileId());
            changed = endDelete.executeUpdate();
          } else {
            // the replacement carries the old positions with their snapshots, so the old row
            // leaves the catalog (as the official extension does) and its file awaits cleanup
            removeDelete.setLong(1, f.deleteFileId());
            changed = removeDelete.executeUpdate();
            String old = LakePaths.resolve(tableDir, f.deletePath(), f.deleteRelative());
            boolean relative = old.startsWith(dataPath);
            schedule.setLong(1, f.deleteFileId());
            schedule.setString(2, relative ? old.substring(dataPath.length()) : old);
            schedule.setBoolean(3, relative);
            schedule.addBatch();
          }
          if (changed != 1) {
            throw new LogicalConflictException(
                "Cannot delete from table "
                    + t.label()
                    + ": a concurrent commit changed the deletes of data file "
                    + f.dataFileId());
          }
        }
        if (p.endsFile()) {
          endData.setLong(1, s);
          endData.setLong(2, f.dataFileId());
          if (endData.executeUpdate() != 1) {
            throw new LogicalConflictException(
                "Cannot delete from table "
                    + t.label()
                    + ": a concurrent commit removed data file "
                    + f.dataFileId());
          }
        } else {
          WrittenFile d = p.deleteFile();
          ins.setLong(1, fileId++);
          ins.setLong(2, t.id());
          ins.setLong(3, p.tagged() ? p.beginSnapshot() : s);
          ins.setLong(4, f.dataFileId());
          ins.setString(5, d.relativePath());
          ins.setLong(6, d.recordCount());
          ins.setLong(7, d.fileSizeBytes());
          ins.setLong(8, d.footerSize());
          if (p.tagged()) {
            ins.setLong(9, s);
          } else {
            ins.setNull(9, java.sql.Types.BIGINT);
          }
          ins.addBatch();
          if (a.marker == null) {
            a.marker = d.relativePath();
            a.markerQuery =
                "SELECT 1 FROM "
                    + db.table("ducklake_delete_file")
                    + " WHERE path = ? AND "
                    + (p.tagged() ? "partial_max" : "begin_snapshot")
                    + " = ?";
          }
        }
        a.rowsDeleted += p.newlyDeleted();
      }
      schedule.executeBatch();
      ins.executeBatch();
    }
    return fileId;
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, java.sql.Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  // ---------------------------------------------------------------- changes and conflicts

  private String changesMade() {
    List<String> parts = new ArrayList<>();
    Set<Long> dropped = new TreeSet<>();
    Set<Long> inserted = new TreeSet<>();
    Set<Long> deleted = new TreeSet<>();
    Set<Long> altered = new TreeSet<>();
    Set<String> createdSchemas = new TreeSet<>();
    Set<String> createdTables = new TreeSet<>();
    for (SchemaModel s : newSchemas) {
      createdSchemas.add(TableModel.quoteChange(s.name));
    }
    for (TableModel t : tables) {
      if (t.dropped) {
        dropped.add(t.id());
        continue;
      }
      if (t.created || t.renamed) {
        createdTables.add(t.quotedLabel());
      }
      if (t.altered) {
        altered.add(t.id());
      }
      if (!t.files.isEmpty()) {
        inserted.add(t.id());
      }
      if (!t.deletes.isEmpty()) {
        deleted.add(t.id());
      }
    }
    dropped.forEach(id -> parts.add("dropped_table:" + id));
    createdSchemas.forEach(n -> parts.add("created_schema:" + n));
    createdTables.forEach(n -> parts.add("created_table:" + n));
    inserted.forEach(id -> parts.add("inserted_into_table:" + id));
    deleted.forEach(id -> parts.add("deleted_from_table:" + id));
    altered.forEach(id -> parts.add("altered_table:" + id));
    return String.join(",", parts);
  }

  private void checkConflicts(Connection c, List<SnapshotInfo> since) throws SQLException {
    List<ChangeEntry> others = new ArrayList<>();
    for (SnapshotInfo s : since) {
      others.addAll(ChangeEntry.parse(s.changesMade()));
    }
    for (SchemaModel s : newSchemas) {
      for (ChangeEntry e : others) {
        if (e.type().equals("created_schema") && e.value().equals(TableModel.quoteChange(s.name))) {
          throw new LogicalConflictException(
              "Schema " + s.name + " was created by a concurrent commit");
        }
      }
    }
    for (TableModel t : tables) {
      if (t.created || t.renamed) {
        for (ChangeEntry e : others) {
          if ((e.type().equals("created_table") || e.type().equals("created_view"))
              && e.value().equals(t.quotedLabel())) {
            throw new LogicalConflictException(
                "Table " + t.label() + " was created by a concurrent commit");
          }
          if (e.type().equals("dropped_schema")
              && t.schema.existingId != null
              && e.id() == t.schema.existingId) {
            throw new LogicalConflictException(
                "Schema " + t.schema.name + " was dropped by a concurrent commit");
          }
        }
      }
      if (t.existingId == null) {
        continue;
      }
      long id = t.existingId;
      Set<String> conflicting = new java.util.HashSet<>();
      conflicting.add("dropped_table");
      if (!t.dropped) {
        conflicting.add("altered_table");
      }
      if (!t.files.isEmpty()) {
        conflicting.addAll(List.of("deleted_from_table", "inlined_delete"));
      }
      if (!t.deletes.isEmpty()) {
        conflicting.addAll(
            List.of(
                "merge_adjacent",
                "rewrite_delete",
                "inserted_into_table",
                "inlined_insert",
                "inline_flush",
                "flushed_inlined",
                "inlined_delete"));
      }
      boolean otherDeleted = false;
      for (ChangeEntry e : others) {
        if (e.id() != id) {
          continue;
        }
        if (conflicting.contains(e.type())) {
          throw new LogicalConflictException(
              "Cannot commit changes to table "
                  + t.label()
                  + " based on snapshot "
                  + base.id()
                  + ": a concurrent commit did "
                  + e.type()
                  + " on it ("
                  + describe(t)
                  + " conflicts with that)");
        }
        otherDeleted |= e.type().equals("deleted_from_table");
      }
      if (otherDeleted && !t.deletes.isEmpty()) {
        checkDeleteOverlap(c, t);
      }
    }
  }

  private static String describe(TableModel t) {
    List<String> what = new ArrayList<>();
    if (!t.files.isEmpty()) {
      what.add("an append");
    }
    if (!t.deletes.isEmpty()) {
      what.add("a delete");
    }
    if (t.altered || t.renamed) {
      what.add("an alter");
    }
    if (t.dropped) {
      what.add("a drop");
    }
    return String.join(" and ", what);
  }

  private void checkDeleteOverlap(Connection c, TableModel t) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT data_file_id FROM "
                + db.table("ducklake_delete_file")
                + " WHERE table_id = ? AND (begin_snapshot > ? OR partial_max > ?) UNION ALL SELECT"
                + " data_file_id FROM "
                + db.table("ducklake_data_file")
                + " WHERE table_id = ? AND end_snapshot > ?")) {
      ps.setLong(1, t.existingId);
      ps.setLong(2, base.id());
      ps.setLong(3, base.id());
      ps.setLong(4, t.existingId);
      ps.setLong(5, base.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (t.deletes.containsKey(rs.getLong(1))) {
            throw new LogicalConflictException(
                "Cannot delete from table "
                    + t.label()
                    + ": a concurrent commit deleted from the same data file "
                    + rs.getLong(1));
          }
        }
      }
    }
  }
}
