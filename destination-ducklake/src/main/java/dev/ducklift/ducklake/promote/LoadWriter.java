package dev.ducklift.ducklake.promote;

import static dev.ducklift.ducklake.promote.Sql.columnList;
import static dev.ducklift.ducklake.promote.Sql.literal;
import static dev.ducklift.ducklake.promote.Sql.quote;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.LoadNotPromotableException;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.CrashPoints;
import dev.ducklift.core.spi.PromoteResult.TableWriteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.core.spi.StagedTable;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.ColumnStats;
import dev.ducklift.ducklake.DataFileInfo;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.LogicalConflictException;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.Transaction;
import dev.ducklift.ducklake.write.TypePromotion;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes the tables of one staged load into one transaction (one attempt of a promote): schema
 * changes, Parquet files and delete files per disposition. Staged data is only read.
 *
 * <p>Cost: in the common case (no key twice in the batch, nothing of it in the lake yet) a table
 * costs one cheap duplicate check over its key columns and one {@code COPY} of its staged rows to
 * Parquet. Insert-new into a table with files first collects the staged keys found in the lake
 * (keys only, in a temporary table of the private staging connection {@code work}); the rows
 * written are then an anti-join against those. Rows are copied into a temporary table only when
 * duplicate keys within the batch are collapsed.
 *
 * <p>Row ids are derived, not random: a root row's {@code _dl_id} from its table and primary key
 * (or its load and position), a child row's from its parent's id, its table and its list index. So
 * a child table can hold one row id twice only if its parent table does, and a parent table whose
 * staged row ids are distinct spares its children the de-duplication.
 */
final class LoadWriter {

  final DuckLake lake;
  final Transaction txn;
  final Connection work;
  final StagedLoad load;
  private final String schema;
  private final boolean cursorWindowPruning;
  private final long baseSnapshot;

  /**
   * Per table: a relation (a temp table or a parenthesized query over the staged table) of the rows
   * this load writes; children filter on it.
   */
  final Map<String, String> written = new HashMap<>();

  /** Tables whose staged rows have distinct {@code _dl_id}s (so their children do too). */
  private final Set<String> distinctRowIds = new HashSet<>();

  /** Per table (merge): a temp relation of {@code _dl_id}s whose child rows are replaced. */
  final Map<String, String> replacedIds = new HashMap<>();

  /** Insert-new tables whose keys the commit validator re-checks. */
  final List<KeyCheck> keyChecks = new ArrayList<>();

  /**
   * Per table ({@code scd2}): a relation mapping each staged {@code _dl_id} written as a new
   * version ({@code __dl_old_id}) to the version's own id ({@code __dl_new_id}).
   */
  final Map<String, String> versionIds = new HashMap<>();

  private int temps;

  record KeyCheck(TableName table, List<String> keys, String relation) {}

  LoadWriter(
      DuckLake lake,
      Transaction txn,
      Connection work,
      StagedLoad load,
      String schema,
      boolean cursorWindowPruning) {
    this.lake = lake;
    this.txn = txn;
    this.work = work;
    this.load = load;
    this.schema = schema;
    this.cursorWindowPruning = cursorWindowPruning;
    this.baseSnapshot = txn.baseSnapshotId();
  }

  List<KeyCheck> keyChecks() {
    return keyChecks;
  }

  /** Writes every table of the load; returns per-table results in load order. */
  List<TableWriteResult> writeTables() throws SQLException {
    for (StagedTable t : load.tables()) {
      if (!t.schema().isChild() && !t.merge().isNone()) {
        // bad hints fail before anything of the load is written
        t.merge().checkColumns("Table '" + t.name() + "' of load " + load.loadId(), t.schema());
      }
    }
    if (!txn.schemaExists(schema)) {
      txn.createSchema(schema);
    }
    List<TableWriteResult> results = new ArrayList<>();
    Set<String> inLoad = new HashSet<>();
    for (StagedTable t : load.tables()) {
      inLoad.add(t.name());
    }
    boolean first = true;
    for (StagedTable t : load.tables()) {
      TableName name = TableName.of(schema, t.name());
      boolean existed = ensureTable(name, MergeColumns.lakeSchema(t));
      if (!t.partitionBy().isEmpty()) {
        txn.setPartitioning(name, t.partitionBy());
      }
      results.add(
          switch (t.writeDisposition()) {
            case APPEND -> append(name, t);
            case INSERT_NEW -> insertNew(name, t, existed);
            case MERGE -> mergeByStrategy(name, t, existed);
            case REPLACE -> replace(name, t, existed);
          });
      if (first) {
        CrashPoints.reach(DuckLakeDestination.CRASH_DURING_PARQUET_WRITE);
        first = false;
      }
    }
    // a replaced root also empties child tables this load has no rows (and no table) for
    for (StagedTable t : load.tables()) {
      if (t.writeDisposition() == WriteDisposition.REPLACE && !t.schema().isChild()) {
        for (String lakeTable : LakeCatalog.tables(lake, schema)) {
          if (lakeTable.startsWith(t.name() + "__") && !inLoad.contains(lakeTable)) {
            long deleted = txn.deleteWhere(TableName.of(schema, lakeTable), work, "true");
            results.add(new TableWriteResult(lakeTable, 0, 0, 0, deleted, "replaced by no rows"));
          }
        }
      }
    }
    return results;
  }

  // ---------------------------------------------------------------- schema

  /** Creates the table or evolves it to the staged schema; returns whether it existed. */
  private boolean ensureTable(TableName name, TableSchema staged) {
    if (!txn.tableExists(name)) {
      List<ColumnDefinition> columns = new ArrayList<>();
      for (Column c : staged.columns()) {
        columns.add(new ColumnDefinition(c.name(), LakeType.of(c.type()), true, null));
      }
      txn.createTable(name, columns);
      return false;
    }
    Map<String, String> existing = LakeCatalog.columns(lake, name);
    for (Column c : staged.columns()) {
      LakeType type = LakeType.of(c.type());
      String have = existing.get(c.name());
      if (have == null) {
        txn.addColumn(name, new ColumnDefinition(c.name(), type, true, null));
        continue;
      }
      String want = type.ducklakeName();
      if (have.equals(want)) {
        continue;
      }
      // the lake column takes the max type of both, when DuckLake allows changing to it
      String max = TypePromotion.maxType(have, want).orElse(null);
      if (max != null && max.equals(have)) {
        continue;
      }
      if (max != null && TypePromotion.allowed(have, max)) {
        txn.promoteColumn(name, c.name(), LakeType.primitive(max));
        continue;
      }
      throw new LoadNotPromotableException(
          load.loadId(),
          "Table "
              + name
              + ": column "
              + c.name()
              + " is "
              + have
              + " in the lake but the load "
              + load.loadId()
              + " stages it as "
              + want
              + ", and DuckLake cannot change a column between these types (a column changes"
              + " only to a type that holds both, such as int32 -> int64 or decimal(12,2))");
    }
    return true;
  }

  // ---------------------------------------------------------------- dispositions

  private TableWriteResult append(TableName name, StagedTable t) throws SQLException {
    String rows = "(" + stagedRows(t) + ")";
    // children of insert-new and merge follow their parent rows (see childRows)
    boolean childrenFollow =
        t.writeDisposition() == WriteDisposition.INSERT_NEW
            || t.writeDisposition() == WriteDisposition.MERGE;
    if (childrenFollow
        && hasChildrenInLoad(t.name())
        && !hasDuplicates(t, List.of(TableSchema.ROW_ID))) {
      distinctRowIds.add(t.name());
    }
    long inserted = txn.append(name, work, stagedRows(t));
    written.put(t.name(), rows);
    return new TableWriteResult(t.name(), inserted, 0, 0, 0, "appended");
  }

  private TableWriteResult insertNew(TableName name, StagedTable t, boolean existed)
      throws SQLException {
    if (t.schema().isChild()) {
      return childRows(name, t, "insert-new: rows of new parent rows");
    }
    if (t.primaryKey().isEmpty()) {
      TableWriteResult r = append(name, t);
      return new TableWriteResult(
          t.name(), r.inserted(), 0, 0, 0, "insert-new without a primary key: appended");
    }
    Batch b = dedupedBatch(t, t.primaryKey());
    String batch = b.relation();
    long batchRows = b.rows();
    String rows = batch;
    String note;
    if (!existed || batchRows == 0) {
      note = existed ? "insert-new: nothing staged" : "insert-new: new table";
    } else {
      Candidates c = candidates(name, t, batch);
      note = c.note();
      String lakeKeys =
          Sql.liveRows(
              work,
              lake.files(),
              c.files(),
              LakeCatalog.scanColumns(lake, name, true),
              t.primaryKey(),
              c.rowFilter());
      String inlined = temp("inl");
      if (InlinedKeys.load(lake, name, baseSnapshot, work, t, inlined)) {
        // rows another writer inlined into the catalog hold keys too
        String inlinedKeys = "SELECT " + columnList(t.primaryKey()) + " FROM " + inlined;
        lakeKeys = lakeKeys == null ? inlinedKeys : lakeKeys + " UNION ALL " + inlinedKeys;
        note += "; keys of inlined rows checked";
      }
      if (lakeKeys != null) {
        // the staged keys found in the lake, read once; usually few, often none
        String found = temp("k");
        Sql.execute(
            work,
            "CREATE TEMP TABLE "
                + found
                + " AS SELECT "
                + columnList(t.primaryKey())
                + " FROM "
                + batch
                + " b WHERE EXISTS (SELECT 1 FROM ("
                + lakeKeys
                + ") k WHERE "
                + keyMatch(t.primaryKey(), "k", "b")
                + ")");
        if (Sql.count(work, "SELECT count(*) FROM " + found) > 0) {
          // an anti-join against the (in-memory) keys found, cheap to evaluate again for the
          // child tables and the validator, instead of copying the remaining rows
          rows =
              "(SELECT * FROM "
                  + batch
                  + " b WHERE NOT EXISTS (SELECT 1 FROM "
                  + found
                  + " k WHERE "
                  + keyMatch(t.primaryKey(), "k", "b")
                  + "))";
        }
      }
    }
    long inserted = txn.append(name, work, "SELECT * FROM " + rows);
    written.put(t.name(), rows);
    keyChecks.add(new KeyCheck(name, t.primaryKey(), rows));
    return new TableWriteResult(t.name(), inserted, t.rowCount() - inserted, 0, 0, note);
  }

  private TableWriteResult mergeByStrategy(TableName name, StagedTable t, boolean existed)
      throws SQLException {
    return switch (t.merge().strategy()) {
      case UPSERT -> merge(name, t, existed);
      case DELETE_INSERT ->
          t.schema().isChild()
              ? merge(name, t, existed)
              : new DeleteInsertWriter(this, name, t, existed).write();
      case SCD2 -> new Scd2Writer(this, name, t, existed).write();
    };
  }

  private TableWriteResult merge(TableName name, StagedTable t, boolean existed)
      throws SQLException {
    if (t.schema().isChild()) {
      String parentIds = replacedIds.get(t.schema().parentTable());
      long deleted = 0;
      if (existed && parentIds != null) {
        if (hasChildrenInLoad(t.name())) {
          // grandchildren follow the child rows that end now, so remember their ids first
          String ids = temp("ids");
          String lakeIds =
              Sql.liveRows(
                  work,
                  lake.files(),
                  lake.liveDataFiles(name),
                  LakeCatalog.scanColumns(lake, name),
                  List.of(TableSchema.ROW_ID),
                  quote(TableSchema.PARENT_ID) + " IN (SELECT \"_dl_id\" FROM " + parentIds + ")");
          Sql.execute(
              work,
              "CREATE TEMP TABLE "
                  + ids
                  + " AS SELECT \"_dl_id\" FROM ("
                  + stagedRows(t)
                  + ")"
                  + (lakeIds == null ? "" : " UNION SELECT \"_dl_id\" FROM (" + lakeIds + ")"));
          replacedIds.put(t.name(), ids);
        }
        deleted =
            txn.deleteWhere(
                name,
                work,
                quote(TableSchema.PARENT_ID) + " IN (SELECT \"_dl_id\" FROM " + parentIds + ")");
      }
      TableWriteResult r = childRows(name, t, "merge: child rows replaced with their parents");
      replacedIds.putIfAbsent(t.name(), written.get(t.name()));
      return new TableWriteResult(
          t.name(), r.inserted(), r.skippedDuplicates(), 0, deleted, r.notes());
    }
    if (t.primaryKey().isEmpty()) {
      TableWriteResult r = append(name, t);
      return new TableWriteResult(
          t.name(), r.inserted(), 0, 0, 0, "merge without a primary key: appended");
    }
    String batch = dedupedBatch(t, t.primaryKey()).relation();
    long deleted = 0;
    String note = "merge: upserted by " + String.join(", ", t.primaryKey());
    if (existed) {
      List<DataFileInfo> live = lake.liveDataFiles(name);
      Set<Long> byPartition =
          PartitionPruning.prunable(lake, name, work, batch, t.primaryKey(), live);
      List<DataFileInfo> candidates =
          byPartition.isEmpty()
              ? live
              : live.stream().filter(f -> !byPartition.contains(f.dataFileId())).toList();
      if (!byPartition.isEmpty()) {
        note +=
            "; delete search: "
                + byPartition.size()
                + " of "
                + live.size()
                + " live file(s) pruned by partition values";
      }
      if (!candidates.isEmpty()) {
        KeyPruning.Pruned files =
            KeyPruning.prune(work, candidates, t.schema(), t.primaryKey(), batch, "merge");
        note += "; " + files.note();
        deleted = txn.deleteWhere(name, work, keyIn(t.primaryKey(), batch), files.ids());
      }
    }
    // a row flagged by hard_delete ends its key (and, through replacedIds, its child rows)
    String rows = batch;
    long flagged = 0;
    if (MergeColumns.flag(t) != null) {
      rows = "(SELECT * FROM " + batch + " b WHERE NOT " + MergeColumns.deleted(t, "b") + ")";
      flagged =
          Sql.count(work, "SELECT count(*) FROM " + batch)
              - Sql.count(work, "SELECT count(*) FROM " + rows);
      note += "; " + flagged + " key(s) deleted by " + MergeColumns.flag(t);
    }
    long appended =
        txn.append(
            name, work, "SELECT " + columnList(MergeColumns.lakeColumns(t)) + " FROM " + rows);
    written.put(t.name(), rows);
    replacedIds.put(t.name(), batch);
    long replaced = Math.min(deleted, appended);
    return new TableWriteResult(
        t.name(),
        appended - replaced,
        t.rowCount() - appended - flagged,
        replaced,
        deleted - replaced,
        note);
  }

  private TableWriteResult replace(TableName name, StagedTable t, boolean existed)
      throws SQLException {
    long deleted = existed ? txn.deleteWhere(name, work, "true") : 0;
    TableWriteResult r = append(name, t);
    return new TableWriteResult(t.name(), r.inserted(), 0, 0, deleted, "replaced");
  }

  /** Child rows whose parent row this load writes, one per {@code _dl_id}. */
  TableWriteResult childRows(TableName name, StagedTable t, String note) throws SQLException {
    String parentTable = t.schema().parentTable();
    String parent = written.get(parentTable);
    String filter =
        parent == null
            ? ""
            : " WHERE "
                + quote(TableSchema.PARENT_ID)
                + " IN (SELECT \"_dl_id\" FROM "
                + parent
                + ")";
    String rows;
    if (parent != null && distinctRowIds.contains(parentTable)) {
      // row ids derive from the parent's: distinct parents, distinct children, nothing to collapse
      distinctRowIds.add(t.name());
      rows = "(" + stagedRows(t) + filter + ")";
    } else {
      rows = temp("w");
      Sql.execute(
          work,
          "CREATE TEMP TABLE "
              + rows
              + " AS SELECT * FROM ("
              + dedupSql(t, List.of(TableSchema.ROW_ID))
              + ")"
              + filter);
    }
    long inserted = txn.append(name, work, "SELECT * FROM " + rows);
    written.put(t.name(), rows);
    return new TableWriteResult(t.name(), inserted, t.rowCount() - inserted, 0, 0, note);
  }

  boolean hasChildrenInLoad(String table) {
    for (StagedTable s : load.tables()) {
      if (table.equals(s.schema().parentTable())) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- insert-new pruning

  /** The files that may hold a key of the batch, a row filter for them, and how they were found. */
  private record Candidates(List<DataFileInfo> files, String rowFilter, String note) {}

  private Candidates candidates(TableName name, StagedTable t, String batch) throws SQLException {
    List<DataFileInfo> files = lake.liveDataFiles(name);
    if (files.isEmpty()) {
      return new Candidates(files, null, "insert-new: table has no files");
    }
    List<String> keys = t.primaryKey();
    Map<String, String> types = new HashMap<>();
    for (Column c : t.schema().columns()) {
      types.put(c.name(), c.type().duckdbType());
    }
    String cursor = t.cursorColumn();
    boolean useCursor =
        cursorWindowPruning
            && cursor != null
            && types.containsKey(cursor)
            && isOrderable(t.schema().column(cursor).orElseThrow().type())
            && Sql.count(
                    work, "SELECT count(*) FROM " + batch + " WHERE " + quote(cursor) + " IS NULL")
                == 0;
    // batch bounds as DuckDB text, turned back into typed constants the Parquet scan can push down
    List<String> bounds = new ArrayList<>();
    List<String> prunable = new ArrayList<>();
    for (String k : keys) {
      if (isOrderable(t.schema().column(k).orElseThrow().type())) {
        prunable.add(k);
      }
    }
    StringBuilder q = new StringBuilder("SELECT ");
    for (String k : prunable) {
      q.append("CAST(min(").append(quote(k)).append(") AS VARCHAR), CAST(max(");
      q.append(quote(k)).append(") AS VARCHAR), ");
    }
    q.append(useCursor ? "CAST(min(" + quote(cursor) + ") AS VARCHAR)" : "NULL");
    q.append(" FROM ").append(batch);
    try (Statement s = work.createStatement();
        ResultSet rs = s.executeQuery(q.toString())) {
      rs.next();
      for (int i = 1; i <= prunable.size() * 2 + 1; i++) {
        bounds.add(rs.getString(i));
      }
    }
    String cursorMin =
        useCursor
            ? "CAST(" + literal(bounds.get(bounds.size() - 1)) + " AS " + types.get(cursor) + ")"
            : null;

    List<String> pinned = new ArrayList<>(keys);
    if (useCursor) {
      pinned.add(cursor);
    }
    Set<Long> byPartitionIds = PartitionPruning.prunable(lake, name, work, batch, pinned, files);
    int byPartition = byPartitionIds.size();
    if (byPartition > 0) {
      files = files.stream().filter(f -> !byPartitionIds.contains(f.dataFileId())).toList();
      if (files.isEmpty()) {
        return new Candidates(
            files,
            null,
            "insert-new: " + byPartition + " live file(s), all pruned by partition values");
      }
    }
    StringBuilder values = new StringBuilder();
    for (int f = 0; f < files.size(); f++) {
      DataFileInfo file = files.get(f);
      values.append(f == 0 ? "(" : ", (").append(f);
      for (String k : prunable) {
        ColumnStats st = file.columnStats().get(k);
        values.append(", ").append(literal(st == null ? null : st.minValue()));
        values.append(", ").append(literal(st == null ? null : st.maxValue()));
      }
      ColumnStats cs = useCursor ? file.columnStats().get(cursor) : null;
      values.append(", ").append(literal(cs == null ? null : cs.maxValue())).append(")");
    }
    StringBuilder aliases = new StringBuilder("id");
    StringBuilder keepKey = new StringBuilder("true");
    for (int i = 0; i < prunable.size(); i++) {
      String type = types.get(prunable.get(i));
      String lo = "CAST(" + literal(bounds.get(2 * i)) + " AS " + type + ")";
      String hi = "CAST(" + literal(bounds.get(2 * i + 1)) + " AS " + type + ")";
      aliases.append(", kmin").append(i).append(", kmax").append(i);
      keepKey
          .append(" AND COALESCE(NOT (TRY_CAST(CAST(kmax")
          .append(i)
          .append(" AS VARCHAR) AS ")
          .append(type)
          .append(") < ")
          .append(lo)
          .append(" OR TRY_CAST(CAST(kmin")
          .append(i)
          .append(" AS VARCHAR) AS ")
          .append(type)
          .append(") > ")
          .append(hi)
          .append("), true)");
    }
    aliases.append(", cmax");
    String keepCursor =
        useCursor
            ? "COALESCE(TRY_CAST(CAST(cmax AS VARCHAR) AS "
                + types.get(cursor)
                + ") >= "
                + cursorMin
                + ", true)"
            : "true";
    String sql =
        "SELECT id, "
            + keepKey
            + " AS keep_key, "
            + keepCursor
            + " AS keep_cursor FROM (VALUES "
            + values
            + ") AS f("
            + aliases
            + ")";
    List<DataFileInfo> kept = new ArrayList<>();
    int byKey = 0;
    int byCursor = 0;
    try (Statement s = work.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        if (!rs.getBoolean(2)) {
          byKey++;
        } else if (!rs.getBoolean(3)) {
          byCursor++;
        } else {
          kept.add(files.get(rs.getInt(1)));
        }
      }
    }
    List<String> filters = new ArrayList<>();
    if (useCursor) {
      // rows are immutable per key, so a lake row with a staged key carries the staged cursor value
      filters.add(quote(cursor) + " >= " + cursorMin);
    }
    if (prunable.size() == 1 && keys.size() == 1) {
      String type = types.get(keys.get(0));
      filters.add(
          quote(keys.get(0))
              + " BETWEEN CAST("
              + literal(bounds.get(0))
              + " AS "
              + type
              + ") AND CAST("
              + literal(bounds.get(1))
              + " AS "
              + type
              + ")");
    }
    String note;
    if (byPartition > 0) {
      note =
          "insert-new: "
              + (files.size() + byPartition)
              + " live file(s), "
              + byPartition
              + " pruned by partition values, "
              + byKey
              + " by key statistics, "
              + byCursor
              + " by the cursor window, "
              + kept.size()
              + " scanned";
    } else if (byKey == 0 && byCursor == 0 && useCursor) {
      note =
          "insert-new: no file pruned, "
              + files.size()
              + " file(s) scanned with the cursor window pushed into the scan";
    } else if (byKey == 0 && byCursor == 0) {
      note =
          "insert-new: full key scan of "
              + files.size()
              + " file(s): key statistics did not prune and there is no usable cursor";
    } else {
      note =
          "insert-new: "
              + files.size()
              + " live file(s), "
              + byKey
              + " pruned by key statistics, "
              + byCursor
              + " by the cursor window, "
              + kept.size()
              + " scanned";
    }
    return new Candidates(kept, filters.isEmpty() ? null : String.join(" AND ", filters), note);
  }

  private static boolean isOrderable(DataType type) {
    return switch (type.kind()) {
      case LIST, JSON, BINARY, INTERVAL, BOOLEAN -> false;
      default -> true;
    };
  }

  // ---------------------------------------------------------------- validation

  /** Throws if a snapshot committed after the base inserted a key this load inserts. */
  void validate() {
    for (KeyCheck check : keyChecks) {
      List<DataFileInfo> added =
          lake.liveDataFiles(check.table()).stream()
              .filter(f -> f.beginSnapshot() > baseSnapshot)
              .toList();
      // keys another writer inlined meanwhile are not re-checked (see the README's known limits)
      String lakeKeys =
          Sql.liveRows(
              work,
              lake.files(),
              added,
              LakeCatalog.scanColumns(lake, check.table(), true),
              check.keys(),
              null);
      if (lakeKeys == null) {
        continue;
      }
      long clashes;
      try {
        clashes =
            Sql.count(
                work,
                "SELECT count(*) FROM "
                    + check.relation()
                    + " b WHERE EXISTS (SELECT 1 FROM ("
                    + lakeKeys
                    + ") k WHERE "
                    + keyMatch(check.keys(), "k", "b")
                    + ")");
      } catch (SQLException e) {
        throw new DuckliftException(
            "Cannot re-check the keys of table "
                + check.table()
                + " for load "
                + load.loadId()
                + ": "
                + e.getMessage(),
            e);
      }
      if (clashes > 0) {
        throw new LogicalConflictException(
            "Table "
                + check.table()
                + ": "
                + clashes
                + " key(s) of load "
                + load.loadId()
                + " were inserted by a concurrent commit after snapshot "
                + baseSnapshot);
      }
    }
  }

  // ---------------------------------------------------------------- SQL pieces

  String temp(String kind) {
    return quote("__dl_" + kind + "_" + (temps++));
  }

  private List<String> columnNames(StagedTable t) {
    return t.schema().columns().stream().map(Column::name).toList();
  }

  String stagedRows(StagedTable t) {
    return "SELECT " + columnList(columnNames(t)) + " FROM " + t.stagingRelation();
  }

  /**
   * The staged rows, one per key: the first by the {@code dedup_sort} hint, else the last by
   * cursor; then the last staged.
   */
  String dedupSql(StagedTable t, List<String> keys) {
    String order = MergeColumns.winnerOrder(t);
    return "SELECT "
        + columnList(columnNames(t))
        + " FROM (SELECT *, row_number() OVER () AS \"__dl_ord\" FROM "
        + t.stagingRelation()
        + ") QUALIFY row_number() OVER (PARTITION BY "
        + columnList(keys)
        + " ORDER BY "
        + order
        + ") = 1";
  }

  /** A relation of a root table's staged rows with distinct keys, and its row count. */
  record Batch(String relation, long rows) {}

  /**
   * The staged rows, one per key. Usually no key is staged twice: then the batch is the staged
   * table itself and costs one aggregation over the key columns, not a sort of all rows.
   */
  Batch dedupedBatch(StagedTable t, List<String> keys) throws SQLException {
    if (!hasDuplicates(t, keys)) {
      // a root's row id derives from its key: distinct keys, distinct row ids
      distinctRowIds.add(t.name());
      return new Batch("(" + stagedRows(t) + ")", t.rowCount());
    }
    String batch = temp("b");
    Sql.execute(work, "CREATE TEMP TABLE " + batch + " AS " + dedupSql(t, keys));
    return new Batch(batch, Sql.count(work, "SELECT count(*) FROM " + batch));
  }

  /** Whether some value of {@code columns} occurs in more than one staged row. */
  private boolean hasDuplicates(StagedTable t, List<String> columns) throws SQLException {
    if (t.rowCount() < 2) {
      return false;
    }
    return Sql.count(
            work,
            "SELECT count(*) FROM (SELECT 1 FROM "
                + t.stagingRelation()
                + " GROUP BY "
                + columnList(columns)
                + " HAVING count(*) > 1 LIMIT 1)")
        > 0;
  }

  static String keyMatch(List<String> keys, String left, String right) {
    return keys.stream()
        .map(k -> left + "." + quote(k) + " = " + right + "." + quote(k))
        .collect(Collectors.joining(" AND "));
  }

  /** A condition over a lake file's columns: its key is one of {@code relation}'s keys. */
  static String keyIn(List<String> keys, String relation) {
    if (keys.size() == 1) {
      return quote(keys.get(0)) + " IN (SELECT " + quote(keys.get(0)) + " FROM " + relation + ")";
    }
    String tuple = "row(" + columnList(keys) + ")";
    return tuple + " IN (SELECT " + tuple + " FROM " + relation + ")";
  }
}
