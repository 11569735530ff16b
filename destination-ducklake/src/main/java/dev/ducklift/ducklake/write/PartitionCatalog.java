package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.catalog.CatalogDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes the partitioning rows of the catalog. */
final class PartitionCatalog {
  private final CatalogDatabase db;

  PartitionCatalog(CatalogDatabase db) {
    this.db = db;
  }

  /**
   * The partitioning of a table at snapshot {@code s}: the spec in force then (whoever set it), or
   * null if the table is not partitioned.
   */
  PartitionSpec read(Connection c, long tableId, long s) throws SQLException {
    String sql =
        "SELECT i.partition_id, p.partition_key_index, p.column_id, p.transform FROM "
            + db.table("ducklake_partition_info")
            + " i JOIN "
            + db.table("ducklake_partition_column")
            + " p ON p.partition_id = i.partition_id AND p.table_id = i.table_id"
            + " WHERE i.table_id = ? AND ? >= i.begin_snapshot"
            + " AND (i.end_snapshot IS NULL OR ? < i.end_snapshot)"
            + " ORDER BY i.partition_id DESC, p.partition_key_index";
    Long id = null;
    List<PartitionSpec.Key> keys = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, tableId);
      ps.setLong(2, s);
      ps.setLong(3, s);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long pid = rs.getLong(1);
          if (id != null && id != pid) {
            break; // one spec is visible at a time; take the newest if a catalog holds more
          }
          id = pid;
          keys.add(new PartitionSpec.Key(rs.getLong(3), rs.getString(4)));
        }
      }
    }
    return id == null ? null : new PartitionSpec(id, keys);
  }

  /** Ends the table's partitioning at snapshot {@code s}: new files are unpartitioned. */
  void end(CatalogBatch batch, long tableId, long s) {
    batch.add(
        "UPDATE "
            + db.table("ducklake_partition_info")
            + " SET end_snapshot = ? WHERE table_id = ? AND end_snapshot IS NULL",
        s,
        tableId);
  }

  /**
   * Records {@code spec} (with its allocated id) as the table's partitioning from snapshot {@code
   * s}, ending the one in force before, as {@code SET PARTITIONED BY} does.
   */
  void write(CatalogBatch batch, long tableId, long s, PartitionSpec spec, boolean endPrevious) {
    if (endPrevious) {
      end(batch, tableId, s);
    }
    batch.add(
        "INSERT INTO " + db.table("ducklake_partition_info") + " VALUES (?, ?, ?, NULL)",
        spec.partitionId(),
        tableId,
        s);
    for (int i = 0; i < spec.keys().size(); i++) {
      PartitionSpec.Key k = spec.keys().get(i);
      batch.add(
          "INSERT INTO " + db.table("ducklake_partition_column") + " VALUES (?, ?, ?, ?, ?)",
          spec.partitionId(),
          tableId,
          (long) i,
          k.columnId(),
          k.transform());
    }
  }

  /** The {@code ducklake_file_partition_value} rows of one data file (a NULL value stays NULL). */
  void writeValues(CatalogBatch batch, long dataFileId, long tableId, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      batch.add(
          "INSERT INTO " + db.table("ducklake_file_partition_value") + " VALUES (?, ?, ?, ?)",
          dataFileId,
          tableId,
          (long) i,
          CatalogBatch.orNull(values.get(i)));
    }
  }
}
