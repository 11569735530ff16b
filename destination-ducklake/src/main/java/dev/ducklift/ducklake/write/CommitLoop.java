package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.CommitConflictException;
import dev.ducklift.ducklake.CommitResult;
import dev.ducklift.ducklake.CommitStateUnknownException;
import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.DuckLakeOptions;
import dev.ducklift.ducklake.SnapshotInfo;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optimistic commit loop: each attempt re-reads the latest snapshot, checks what was committed
 * since against the {@link ConflictRules} (and the caller's validator), allocates ids and row ids
 * afresh and has the {@link SnapshotRowWriter} write the catalog rows; conflicts and lost
 * connections are retried with backoff, and a COMMIT whose outcome is unknown is resolved by
 * reading the catalog back.
 */
final class CommitLoop {
  private static final Logger LOG = LoggerFactory.getLogger(CommitLoop.class);

  private final ChangeModel model;
  private final CatalogDatabase db;
  private final DuckLakeOptions options;
  private final List<TableModel> tables;
  private final List<SchemaModel> newSchemas;
  private final TableFileWrites files;
  private final ConflictRules conflicts;
  private final AttemptReads attemptReads;
  private final SnapshotRowWriter rows;
  private final Runnable abort;

  /**
   * @param abort deletes the transaction's files and closes it; run when the commit gives up
   */
  CommitLoop(
      ChangeModel model,
      String dataPath,
      DuckLakeOptions options,
      TableFileWrites files,
      Runnable abort) {
    this.model = model;
    this.db = model.db;
    this.options = options;
    this.tables = model.tables;
    this.newSchemas = model.newSchemas;
    this.files = files;
    this.conflicts = new ConflictRules(model);
    this.attemptReads = new AttemptReads(model, options);
    this.rows = new SnapshotRowWriter(model, dataPath);
    this.abort = abort;
  }

  /**
   * Commits all changes as one snapshot, retrying on conflicts with concurrent writers.
   *
   * @return the result, or {@code null} if the transaction changed nothing
   */
  CommitResult commit() {
    model.checkOpen();
    if (model.isEmpty()) {
      model.finished = true;
      return null;
    }
    long checkedUpTo = model.base.id();
    SQLException lastConflict = null;
    for (int attempt = 0; attempt < options.maxCommitAttempts(); attempt++) {
      if (attempt > 0) {
        sleepBeforeRetry(attempt);
      }
      Connection c;
      try {
        c = db.connect();
      } catch (SQLException e) {
        abort.run();
        throw new DuckLakeException(
            "Cannot connect to the catalog " + db.location() + " to commit: " + e.getMessage(), e);
      }
      CommitAttempt a = new CommitAttempt(model);
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
          abort.run();
          throw new DuckLakeException(
              "Cannot commit to the catalog " + db.location() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
          rollbackQuietly(c);
          db.releaseCommitLock();
          abort.run();
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
            abort.run();
            throw new DuckLakeException(
                "Cannot commit to the catalog " + db.location() + ": " + e.getMessage(), e);
          }
          Boolean landed = resolveOutcome(a);
          if (landed == null) {
            model.finished = true;
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
        model.finished = true;
        return a.result(attempt + 1);
      } catch (SQLException connectionFailure) {
        // preparing the connection failed (nothing was written: try again), or closing it failed
        // after the outcome was settled above
        LOG.debug("A catalog connection failed outside the commit statements", connectionFailure);
        db.releaseCommitLock();
        if (model.finished) {
          return a.result(attempt + 1);
        }
        lastConflict = connectionFailure;
      }
    }
    abort.run();
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
      abort.run();
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
  private Boolean resolveOutcome(CommitAttempt a) {
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
                && java.util.Objects.equals(model.author, rs.getString(2))
                && java.util.Objects.equals(model.commitMessage, rs.getString(3))
                && java.util.Objects.equals(model.commitExtraInfo, rs.getString(4));
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

  private long writeAttempt(Connection c, CommitAttempt a, long checkedUpTo) throws SQLException {
    List<SnapshotInfo> since = new ArrayList<>();
    Map<Long, AttemptReads.StoredStats> stats = new HashMap<>();
    CatalogReads.SnapshotRow latest = attemptReads.readForAttempt(c, checkedUpTo, since, stats);
    if (!since.isEmpty()) {
      conflicts.checkConflicts(c, since);
      if (model.validator != null) {
        model.validator.validate(since, c);
      }
      checkedUpTo = latest.id();
    }
    long s = latest.id() + 1;
    files.retagDeletes(s);
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
    nextCatalog = TablePartitioning.allocate(tables, nextCatalog);
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
    a.changes = conflicts.changesMade();

    CatalogBatch batch = new CatalogBatch(db.dialect() == CatalogDatabase.Dialect.POSTGRES);
    batch.add(
        "INSERT INTO "
            + db.table("ducklake_snapshot")
            + " VALUES (?, "
            + rows.snapshotTime()
            + ", ?, ?, ?)",
        s,
        schemaVersion,
        nextCatalog,
        nextFile);
    if (!newSchemas.isEmpty() || tables.stream().anyMatch(TableModel::hasCatalogChange)) {
      // schema and table changes read their own update counts: send the snapshot row first
      batch.flush(c);
    }
    rows.writeSchemas(c, s);
    rows.writeTables(c, s, schemaVersion);
    model.partitions.write(batch, tables, s);
    long fileId = latest.nextFileId();
    for (TableModel t : tables) {
      if (!t.files.isEmpty()) {
        fileId = rows.writeDataFiles(batch, t, s, fileId, a, stats.get(t.id()));
      }
      if (!t.deletes.isEmpty()) {
        batch.flush(c);
        fileId = rows.writeDeletes(c, t, s, fileId, a);
      }
    }
    batch.add(
        "INSERT INTO " + db.table("ducklake_snapshot_changes") + " VALUES (?, ?, ?, ?, ?)",
        s,
        a.changes,
        CatalogBatch.orNull(model.author),
        CatalogBatch.orNull(model.commitMessage),
        CatalogBatch.orNull(model.commitExtraInfo));
    if (db.dialect() == CatalogDatabase.Dialect.POSTGRES) {
      // sent with COMMIT by the caller: one round trip less while the commit lock is held
      a.finalBatch = batch;
    } else {
      batch.flush(c);
    }
    return checkedUpTo;
  }
}
