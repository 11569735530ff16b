package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.DuckLakeOptions;
import dev.ducklift.ducklake.SnapshotInfo;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a commit attempt reads before writing: under the commit lock (if commits queue), the
 * snapshots committed since the last check with their changes, the latest snapshot, and the stored
 * statistics of the tables the transaction appends to.
 */
final class AttemptReads {
  private final CatalogDatabase db;
  private final CatalogReads reads;
  private final DuckLakeOptions options;
  private final List<TableModel> tables;

  AttemptReads(ChangeModel model, DuckLakeOptions options) {
    this.db = model.db;
    this.reads = model.reads;
    this.options = options;
    this.tables = model.tables;
  }

  /** Table statistics as stored in the catalog, read before the new files are added. */
  record StoredStats(long recordCount, long nextRowId, long fileSize, List<Object[]> columns) {}

  /**
   * Takes the commit lock (if commits queue) and reads, in one round trip on PostgreSQL, what the
   * attempt depends on: the snapshots since {@code checkedUpTo} with their changes, the latest
   * snapshot, and the stored statistics of the tables it appends to.
   */
  CatalogReads.SnapshotRow readForAttempt(
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
}
