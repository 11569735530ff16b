package dev.ducklift.ducklake.write;

import static dev.ducklift.ducklake.catalog.CatalogDatabase.literal;

import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.DuckLakeOptions;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.internal.LakePaths;
import dev.ducklift.ducklake.storage.LakeFiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The files a transaction writes: Parquet data files appended to its tables, and delete files for
 * the rows it deletes (rewritten when a retry commits as another snapshot). Files are written when
 * the change is made and recorded in the {@link ChangeModel}'s tables; the catalog learns of them
 * only at commit.
 */
final class TableFileWrites {
  private final ChangeModel model;
  private final CatalogDatabase db;
  private final CatalogReads reads;
  private final CatalogReads.SnapshotRow base;
  private final List<TableModel> tables;
  private final String dataPath;
  private final DuckLakeOptions options;
  private final Supplier<Connection> scratch;
  private final LakeFiles files;

  TableFileWrites(
      ChangeModel model,
      String dataPath,
      LakeFiles files,
      DuckLakeOptions options,
      Supplier<Connection> scratch) {
    this.model = model;
    this.db = model.db;
    this.reads = model.reads;
    this.base = model.base;
    this.tables = model.tables;
    this.dataPath = dataPath;
    this.options = options;
    this.scratch = scratch;
    this.files = files;
  }

  /**
   * Publishes files DuckDB wrote into {@code spool} as objects of {@code directory} (their
   * locations), removing the spool; on failure nothing of them is left.
   */
  private List<WrittenFile> publish(List<WrittenFile> spooled, String spool, String directory) {
    try {
      Map<String, String> targets = new LinkedHashMap<>();
      List<WrittenFile> out = new ArrayList<>();
      for (WrittenFile f : spooled) {
        String location = directory + f.relativePath();
        targets.put(f.absolutePath(), location);
        out.add(
            new WrittenFile(
                location,
                f.relativePath(),
                f.recordCount(),
                f.fileSizeBytes(),
                f.footerSize(),
                f.columnStats(),
                f.partitionValues()));
      }
      files.publishAll(targets);
      return out;
    } finally {
      files.discardSpool(spool);
    }
  }

  private WrittenFile publish(WrittenFile spooled, String spool, String directory) {
    return publish(List.of(spooled), spool, directory).get(0);
  }

  /** Writes the rows of {@code query} (run on {@code duckdb}) as new data files of the table. */
  long append(TableName name, Connection duckdb, String query) {
    model.checkOpen();
    TableModel t = model.table(name);
    String directory = t.directory(dataPath);
    String spool = files.spool(directory);
    List<WrittenFile> written;
    try {
      written =
          ParquetFiles.writeData(
              duckdb == null ? scratch.get() : duckdb,
              query,
              t.label(),
              t.columns,
              spool,
              options.targetFileSizeBytes(),
              model.partitions.of(t));
    } catch (RuntimeException e) {
      files.discardSpool(spool);
      throw e;
    }
    written = publish(written, spool, directory);
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
  long deleteWhere(TableName name, Connection duckdb, String predicate, Set<Long> onlyDataFiles) {
    model.checkOpen();
    TableModel t = model.table(name);
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
    Map<String, Long> matches =
        matchingRows(duck, t, schemaMap, predicate, candidates.keySet(), files);
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
              + literal(files.readable(dataFile))
              + ", schema = "
              + schemaMap
              + ", file_row_number = true, hive_partitioning = false) WHERE ("
              + predicate
              + ")";
      String positions;
      if (tag == null) {
        positions =
            previous == null
                ? matching
                : matching
                    + " UNION SELECT pos FROM read_parquet("
                    + literal(files.readable(previous.deleteFile().absolutePath()))
                    + ")";
      } else {
        String existing;
        if (previous != null) {
          existing =
              "SELECT pos, _ducklake_internal_snapshot_id AS snap FROM read_parquet("
                  + literal(files.readable(previous.deleteFile().absolutePath()))
                  + ")";
        } else {
          String path =
              files.readable(LakePaths.resolve(tableDir, f.deletePath(), f.deleteRelative()));
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
      String spool = files.spool(tableDir);
      WrittenFile del;
      long smallest;
      try {
        del = ParquetFiles.writeDeletes(duck, dataFile, positions, tag != null, spool, t.label());
        long newly = del.recordCount() - before;
        if (newly == 0 || del.recordCount() == f.recordCount()) {
          ParquetFiles.deleteQuietly(del.absolutePath());
          files.discardSpool(spool);
          if (newly == 0) {
            continue;
          }
          if (previous != null) {
            files.deleteQuietly(previous.deleteFile().absolutePath());
          }
          t.deletes.put(f.dataFileId(), TableModel.DeletePlan.endFile(f, newly + earlier));
          total += newly;
          continue;
        }
        smallest = tag == null ? 0 : smallestTag(duck, del, t);
      } catch (RuntimeException e) {
        files.discardSpool(spool);
        throw e;
      }
      long newly = del.recordCount() - before;
      del = publish(del, spool, tableDir);
      if (previous != null) {
        files.deleteQuietly(previous.deleteFile().absolutePath());
      }
      if (tag == null) {
        t.deletes.put(
            f.dataFileId(), new TableModel.DeletePlan(f, del, false, newly + earlier, null, 0));
      } else {
        t.deletes.put(
            f.dataFileId(),
            new TableModel.DeletePlan(f, del, false, newly + earlier, tag, smallest));
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
  void retagDeletes(long snapshot) {
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
        String oldCopy = files.readable(old.absolutePath());
        String positions =
            "SELECT pos, CASE WHEN _ducklake_internal_snapshot_id = "
                + p.taggedAs()
                + " THEN "
                + snapshot
                + " ELSE _ducklake_internal_snapshot_id END AS snap FROM read_parquet("
                + literal(oldCopy)
                + ")";
        String dataFile;
        try (Statement s = scratch.get().createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT file_path FROM read_parquet(" + literal(oldCopy) + ") LIMIT 1")) {
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
        String spool = files.spool(dir);
        WrittenFile fresh;
        try {
          fresh =
              ParquetFiles.writeDeletes(scratch.get(), dataFile, positions, true, spool, t.label());
        } catch (RuntimeException ex) {
          files.discardSpool(spool);
          throw ex;
        }
        fresh = publish(fresh, spool, dir);
        e.setValue(
            new TableModel.DeletePlan(
                p.file(), fresh, false, p.newlyDeleted(), snapshot, p.beginSnapshot()));
        files.deleteQuietly(old.absolutePath());
      }
    }
  }

  /** Rows matching the predicate per data file (deleted rows included), one scan for all files. */
  private static Map<String, Long> matchingRows(
      Connection duck,
      TableModel t,
      String schemaMap,
      String predicate,
      Set<String> files,
      LakeFiles storage) {
    Map<String, Long> out = new LinkedHashMap<>();
    // DuckDB reads local copies; the file names it reports are mapped back to locations
    Map<String, String> locations = new LinkedHashMap<>();
    for (String f : files) {
      locations.put(storage.readable(f), f);
    }
    List<String> all = new ArrayList<>(locations.keySet());
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
              + ", filename = '__ducklift_file', hive_partitioning = false) WHERE ("
              + predicate
              + ") GROUP BY 1";
      try (Statement s = duck.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          out.put(locations.getOrDefault(rs.getString(1), rs.getString(1)), rs.getLong(2));
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

  /** Deletes the files written for a table of this transaction (dropped by it). */
  void discard(TableName name) {
    TableModel t = model.table(name);
    for (WrittenFile f : t.files) {
      files.deleteQuietly(f.absolutePath());
    }
    for (TableModel.DeletePlan p : t.deletes.values()) {
      if (p.deleteFile() != null) {
        files.deleteQuietly(p.deleteFile().absolutePath());
      }
    }
    t.files.clear();
  }

  /** Deletes every file written for this transaction. */
  void deleteAll() {
    for (TableModel t : tables) {
      for (WrittenFile f : t.files) {
        files.deleteQuietly(f.absolutePath());
      }
      for (TableModel.DeletePlan p : t.deletes.values()) {
        if (p.deleteFile() != null) {
          files.deleteQuietly(p.deleteFile().absolutePath());
        }
      }
    }
  }
}
