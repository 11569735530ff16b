package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.ColumnStats;
import dev.ducklift.ducklake.DataFileInfo;
import dev.ducklift.ducklake.LogicalConflictException;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.internal.LakePaths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the catalog rows of one commit attempt as snapshot {@code s}: the snapshot, new schemas,
 * table and column changes, data files with their statistics, delete files, and the snapshot's
 * changes. Ids were assigned by the {@link CommitLoop}; this class decides nothing about conflicts
 * beyond refusing rows that a concurrent commit changed under it.
 */
final class SnapshotRowWriter {
  private final ChangeModel model;
  private final CatalogDatabase db;
  private final List<TableModel> tables;
  private final List<SchemaModel> newSchemas;
  private final String dataPath;

  SnapshotRowWriter(ChangeModel model, String dataPath) {
    this.model = model;
    this.db = model.db;
    this.tables = model.tables;
    this.newSchemas = model.newSchemas;
    this.dataPath = dataPath;
  }

  /**
   * The time of the snapshot. On PostgreSQL {@code NOW()} is when the transaction began, which is
   * before the wait for the commit lock, so a snapshot could get an earlier time than the one
   * committed while it waited; {@code clock_timestamp()} keeps times in snapshot order. A DuckDB
   * transaction begins after the in-process lock is taken.
   */
  String snapshotTime() {
    return db.dialect() == CatalogDatabase.Dialect.POSTGRES ? "clock_timestamp()" : "NOW()";
  }

  void writeSchemas(Connection c, long s) throws SQLException {
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

  void writeTables(Connection c, long s, long schemaVersion) throws SQLException {
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

  long writeDataFiles(
      CatalogBatch batch,
      TableModel t,
      long s,
      long fileId,
      CommitAttempt a,
      AttemptReads.StoredStats stored) {
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
            + " VALUES (?, ?, ?, NULL, NULL, ?, true, 'parquet', ?, ?, ?, ?, ?, NULL,"
            + " NULL, NULL)";
    Object partitionId = TablePartitioning.partitionId(t);
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
          rowStart,
          partitionId);
      model.partitions.writeValues(batch, t, id, f);
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

  long writeDeletes(Connection c, TableModel t, long s, long fileId, CommitAttempt a)
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
}
