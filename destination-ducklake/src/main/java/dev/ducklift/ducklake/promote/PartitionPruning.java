package dev.ducklift.ducklake.promote;

import static dev.ducklift.ducklake.catalog.CatalogDatabase.quote;

import dev.ducklift.ducklake.DataFileInfo;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.write.PartitionSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Skips data files whose partition values cannot hold a row of a batch.
 *
 * <p>A lake row that matches a staged row has the same value in every column the match pins: the
 * primary key columns always, and (insert-new with the cursor window) the cursor column, as rows
 * never change under their key. Such a row lies in a file whose partition value for a key on that
 * column is the transform of one of the batch's values; files whose value is none of those are
 * skipped without reading them.
 */
final class PartitionPruning {
  /** Batches with more distinct partition values than this are not pruned by them. */
  private static final int MAX_VALUES = 10_000;

  private PartitionPruning() {}

  private record FileKey(long fileId, String column, String type, String transform, String value) {}

  /**
   * The files among {@code files} that cannot hold a row of {@code batch} matched on {@code pinned}
   * columns.
   *
   * @param work the staging connection holding {@code batch}
   */
  static Set<Long> prunable(
      DuckLake lake,
      TableName table,
      Connection work,
      String batch,
      Collection<String> pinned,
      List<DataFileInfo> files) {
    if (files.isEmpty() || pinned.isEmpty()) {
      return Set.of();
    }
    List<FileKey> keys = fileKeys(lake, table, files.get(0).tableId(), pinned);
    if (keys.isEmpty()) {
      return Set.of();
    }
    Set<Long> live = new HashSet<>();
    for (DataFileInfo f : files) {
      live.add(f.dataFileId());
    }
    Map<String, Set<String>> batchValues = new HashMap<>();
    Set<Long> pruned = new HashSet<>();
    for (FileKey k : keys) {
      if (!live.contains(k.fileId()) || pruned.contains(k.fileId())) {
        continue;
      }
      String rule = k.transform() + "\u0000" + k.column();
      Set<String> values = batchValues.get(rule);
      if (values == null && !batchValues.containsKey(rule)) {
        values = values(work, batch, k);
        batchValues.put(rule, values);
      }
      if (values != null && !values.contains(k.value())) {
        pruned.add(k.fileId());
      }
    }
    return pruned;
  }

  /** The batch's distinct partition values for a key, or null if there are too many. */
  private static Set<String> values(Connection work, String batch, FileKey k) {
    String sql =
        "SELECT DISTINCT CAST("
            + PartitionSpec.valueSql(k.transform(), quote(k.column()), k.type())
            + " AS VARCHAR) FROM "
            + batch
            + " LIMIT "
            + (MAX_VALUES + 1);
    Set<String> out = new HashSet<>();
    try (Statement s = work.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        // a pinned column is never NULL in a match, so a NULL value never matches a lake row
        if (rs.getString(1) != null) {
          out.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot compute the partition values of the load for "
              + k.transform()
              + "("
              + k.column()
              + "): "
              + e.getMessage(),
          e);
    }
    return out.size() > MAX_VALUES ? null : out;
  }

  /** Partition values of the table's live files on keys over the pinned columns. */
  private static List<FileKey> fileKeys(
      DuckLake lake, TableName table, long tableId, Collection<String> pinned) {
    CatalogDatabase db = lake.catalog();
    String sql =
        "SELECT v.data_file_id, c.column_name, c.column_type, p.transform, v.partition_value FROM "
            + db.table("ducklake_file_partition_value")
            + " v JOIN "
            + db.table("ducklake_data_file")
            + " f ON f.data_file_id = v.data_file_id JOIN "
            + db.table("ducklake_partition_column")
            + " p ON p.partition_id = f.partition_id AND p.partition_key_index ="
            + " v.partition_key_index JOIN "
            + db.table("ducklake_column")
            + " c ON c.table_id = p.table_id AND c.column_id = p.column_id AND c.end_snapshot IS"
            + " NULL WHERE f.table_id = ? AND f.end_snapshot IS NULL";
    Set<String> columns = new HashSet<>(pinned);
    List<FileKey> out = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, tableId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String transform = rs.getString(4);
          // the official writer takes time parts of a timestamptz in its session's time zone,
          // which the catalog does not record: such keys are never used to prune
          boolean zoned = rs.getString(3).equals("timestamptz") && !transform.equals("identity");
          if (columns.contains(rs.getString(2))
              && !zoned
              && List.of("identity", "year", "month", "day", "hour").contains(transform)) {
            out.add(
                new FileKey(
                    rs.getLong(1), rs.getString(2), rs.getString(3), transform, rs.getString(5)));
          }
        }
      }
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the partition values of table " + table + ": " + e.getMessage(), e);
    }
    return out;
  }
}
