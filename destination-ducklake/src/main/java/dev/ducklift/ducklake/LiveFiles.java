package dev.ducklift.ducklake;

import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.internal.LakePaths;
import dev.ducklift.ducklake.write.CatalogReads;
import dev.ducklift.ducklake.write.ColumnNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Lists a table's live data files with their statistics. */
final class LiveFiles {
  private LiveFiles() {}

  static List<DataFileInfo> list(DuckLake lake, TableName table) {
    CatalogDatabase db = lake.catalog();
    CatalogReads reads = new CatalogReads(db);
    try (Connection c = db.connect()) {
      long snapshot = reads.latestSnapshot(c).id();
      CatalogReads.SchemaRow schema = reads.schemas(c, snapshot).get(table.schema());
      CatalogReads.TableRow row = null;
      if (schema != null) {
        for (CatalogReads.TableRow t : reads.tables(c, snapshot)) {
          if (t.schemaId() == schema.id() && t.name().equals(table.name())) {
            row = t;
          }
        }
      }
      if (row == null) {
        throw new DuckLakeException("Table " + table + " does not exist");
      }
      String tableDir =
          LakePaths.resolve(
              LakePaths.resolve(lake.dataPath(), schema.path(), schema.relative()),
              row.path(),
              row.relative());
      Map<Long, String> names = new HashMap<>();
      for (ColumnNode n : reads.columns(c, row.id(), snapshot)) {
        leafNames(n, n.name(), names);
      }
      Map<Long, Map<String, ColumnStats>> stats = new HashMap<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT s.data_file_id, s.column_id, s.value_count, s.null_count, s.min_value,"
                  + " s.max_value, s.contains_nan FROM "
                  + db.table("ducklake_file_column_stats")
                  + " s JOIN "
                  + db.table("ducklake_data_file")
                  + " d ON d.data_file_id = s.data_file_id WHERE d.table_id = ? AND"
                  + " d.end_snapshot IS NULL")) {
        ps.setLong(1, row.id());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long col = rs.getLong(2);
            String name = names.get(col);
            if (name == null) {
              continue;
            }
            Long valueCount = rs.getLong(3);
            if (rs.wasNull()) {
              valueCount = null;
            }
            Long nullCount = rs.getLong(4);
            if (rs.wasNull()) {
              nullCount = null;
            }
            Boolean nan = rs.getBoolean(7);
            if (rs.wasNull()) {
              nan = null;
            }
            stats
                .computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
                .put(
                    name,
                    new ColumnStats(
                        col, valueCount, nullCount, rs.getString(5), rs.getString(6), nan));
          }
        }
      }
      List<DataFileInfo> out = new ArrayList<>();
      for (CatalogReads.LiveFile f : reads.liveFiles(c, row.id(), snapshot)) {
        out.add(
            new DataFileInfo(
                f.dataFileId(),
                row.id(),
                LakePaths.resolve(tableDir, f.path(), f.relative()),
                f.recordCount(),
                f.fileSizeBytes(),
                f.rowIdStart(),
                f.beginSnapshot(),
                f.deleteCount(),
                f.deleteFileId() == null
                    ? null
                    : LakePaths.resolve(tableDir, f.deletePath(), f.deleteRelative()),
                stats.getOrDefault(f.dataFileId(), Map.of())));
      }
      return out;
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot list the data files of table " + table + ": " + e.getMessage(), e);
    }
  }

  private static void leafNames(ColumnNode n, String path, Map<Long, String> out) {
    if (n.children().isEmpty()) {
      out.put(n.id(), path);
      return;
    }
    for (ColumnNode c : n.children()) {
      leafNames(c, path + "." + c.name(), out);
    }
  }
}
