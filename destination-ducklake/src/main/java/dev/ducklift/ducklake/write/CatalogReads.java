package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.SnapshotInfo;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The catalog queries the write side needs, at a given snapshot. */
public final class CatalogReads {
  private static final String VISIBLE =
      " ? >= begin_snapshot AND (end_snapshot IS NULL OR ? < end_snapshot)";

  private final CatalogDatabase db;

  public CatalogReads(CatalogDatabase db) {
    this.db = db;
  }

  public String t(String name) {
    return db.table(name);
  }

  /** A row of {@code ducklake_snapshot}. */
  public record SnapshotRow(long id, long schemaVersion, long nextCatalogId, long nextFileId) {}

  /** A visible schema. */
  public record SchemaRow(long id, String name, String path, boolean relative) {}

  /** A visible table. */
  public record TableRow(
      long id, long schemaId, String name, String uuid, String path, boolean relative) {}

  /** What a transaction starts from: the latest snapshot and the schemas and tables it shows. */
  public record Start(SnapshotRow latest, Map<String, SchemaRow> schemas, List<TableRow> tables) {}

  /**
   * The latest snapshot with its visible schemas and tables, read by one statement (one round trip,
   * and one consistent view of the catalog).
   */
  public Start start(Connection c) throws SQLException {
    String visible =
        " l.snapshot_id >= x.begin_snapshot AND (x.end_snapshot IS NULL OR l.snapshot_id <"
            + " x.end_snapshot)";
    String sql =
        "WITH l AS (SELECT snapshot_id, schema_version, next_catalog_id, next_file_id FROM "
            + t("ducklake_snapshot")
            + " WHERE snapshot_id = (SELECT max(snapshot_id) FROM "
            + t("ducklake_snapshot")
            + ")) SELECT 0 AS kind, snapshot_id AS id, schema_version AS a, next_catalog_id AS b,"
            + " next_file_id AS c, CAST(NULL AS VARCHAR) AS name, CAST(NULL AS VARCHAR) AS path,"
            + " CAST(NULL AS BOOLEAN) AS rel, CAST(NULL AS VARCHAR) AS uuid FROM l"
            + " UNION ALL SELECT 1, x.schema_id, NULL, NULL, NULL, x.schema_name, x.path,"
            + " x.path_is_relative, NULL FROM "
            + t("ducklake_schema")
            + " x, l WHERE"
            + visible
            + " UNION ALL SELECT 2, x.table_id, x.schema_id, NULL, NULL, x.table_name, x.path,"
            + " x.path_is_relative, CAST(x.table_uuid AS VARCHAR) FROM "
            + t("ducklake_table")
            + " x, l WHERE"
            + visible
            + " ORDER BY 1, 2";
    SnapshotRow latest = null;
    Map<String, SchemaRow> schemas = new LinkedHashMap<>();
    List<TableRow> tables = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        switch (rs.getInt(1)) {
          case 0 ->
              latest = new SnapshotRow(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
          case 1 ->
              schemas.put(
                  rs.getString(6),
                  new SchemaRow(rs.getLong(2), rs.getString(6), rs.getString(7), bool(rs, 8)));
          default ->
              tables.add(
                  new TableRow(
                      rs.getLong(2),
                      rs.getLong(3),
                      rs.getString(6),
                      rs.getString(9),
                      rs.getString(7),
                      bool(rs, 8)));
        }
      }
    }
    if (latest == null) {
      throw new SQLException("The catalog has no snapshot");
    }
    return new Start(latest, schemas, tables);
  }

  public SnapshotRow latestSnapshot(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT snapshot_id, schema_version, next_catalog_id, next_file_id FROM "
                    + t("ducklake_snapshot")
                    + " WHERE snapshot_id = (SELECT max(snapshot_id) FROM "
                    + t("ducklake_snapshot")
                    + ")");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("The catalog has no snapshot");
      }
      return new SnapshotRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
    }
  }

  public List<SnapshotInfo> snapshotsAfter(Connection c, long after) throws SQLException {
    List<SnapshotInfo> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT s.snapshot_id, s.snapshot_time, s.schema_version, s.next_catalog_id,"
                + " s.next_file_id, c.changes_made, c.author, c.commit_message, c.commit_extra_info"
                + " FROM "
                + t("ducklake_snapshot")
                + " s LEFT JOIN "
                + t("ducklake_snapshot_changes")
                + " c ON c.snapshot_id = s.snapshot_id WHERE s.snapshot_id > ? ORDER BY"
                + " s.snapshot_id")) {
      ps.setLong(1, after);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new SnapshotInfo(
                  rs.getLong(1),
                  rs.getObject(2, OffsetDateTime.class),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9)));
        }
      }
    }
    return out;
  }

  public Map<String, SchemaRow> schemas(Connection c, long snapshot) throws SQLException {
    Map<String, SchemaRow> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT schema_id, schema_name, path, path_is_relative FROM "
                + t("ducklake_schema")
                + " WHERE"
                + VISIBLE)) {
      ps.setLong(1, snapshot);
      ps.setLong(2, snapshot);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(
              rs.getString(2),
              new SchemaRow(rs.getLong(1), rs.getString(2), rs.getString(3), bool(rs, 4)));
        }
      }
    }
    return out;
  }

  public List<TableRow> tables(Connection c, long snapshot) throws SQLException {
    List<TableRow> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT table_id, schema_id, table_name, CAST(table_uuid AS VARCHAR), path,"
                + " path_is_relative FROM "
                + t("ducklake_table")
                + " WHERE"
                + VISIBLE)) {
      ps.setLong(1, snapshot);
      ps.setLong(2, snapshot);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new TableRow(
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  bool(rs, 6)));
        }
      }
    }
    return out;
  }

  /** The top-level columns of a table at a snapshot, in column order, with their children. */
  public List<ColumnNode> columns(Connection c, long tableId, long snapshot) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT column_id, column_name, column_type, nulls_allowed, initial_default,"
                + " default_value, parent_column FROM "
                + t("ducklake_column")
                + " WHERE table_id = ? AND"
                + VISIBLE
                + " ORDER BY column_order")) {
      ps.setLong(1, tableId);
      ps.setLong(2, snapshot);
      ps.setLong(3, snapshot);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long parent = rs.getLong(7);
          Long parentId = rs.wasNull() ? null : parent;
          rows.add(
              new Row(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  !Boolean.FALSE.equals(rs.getObject(4) == null ? null : rs.getBoolean(4)),
                  rs.getString(5),
                  rs.getString(6),
                  parentId));
        }
      }
    }
    Map<Long, List<Row>> byParent = new HashMap<>();
    for (Row r : rows) {
      byParent.computeIfAbsent(r.parent, k -> new ArrayList<>()).add(r);
    }
    List<ColumnNode> top = new ArrayList<>();
    for (Row r : byParent.getOrDefault(null, List.of())) {
      top.add(node(r, byParent));
    }
    return top;
  }

  private record Row(
      long id, String name, String type, boolean nullable, String init, String dflt, Long parent) {}

  private static ColumnNode node(Row r, Map<Long, List<Row>> byParent) {
    List<ColumnNode> children = new ArrayList<>();
    for (Row child : byParent.getOrDefault(r.id, List.of())) {
      children.add(node(child, byParent));
    }
    return new ColumnNode(r.id, r.name, r.type, r.nullable, r.init, r.dflt, children);
  }

  /** {@code MAX(column_id)} over all versions of a table's columns (ids are never reused). */
  public long maxColumnId(Connection c, long tableId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT max(column_id) FROM " + t("ducklake_column") + " WHERE table_id = ?")) {
      ps.setLong(1, tableId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A live data file of a table with its live delete file. */
  public record LiveFile(
      long dataFileId,
      String path,
      boolean relative,
      long recordCount,
      long fileSizeBytes,
      long rowIdStart,
      long beginSnapshot,
      Long deleteFileId,
      String deletePath,
      Boolean deleteRelative,
      long deleteCount,
      Long deleteBeginSnapshot) {}

  public List<LiveFile> liveFiles(Connection c, long tableId, long snapshot) throws SQLException {
    List<LiveFile> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT d.data_file_id, d.path, d.path_is_relative, d.record_count, d.file_size_bytes,"
                + " d.row_id_start, d.begin_snapshot, del.delete_file_id, del.path,"
                + " del.path_is_relative, del.delete_count, del.begin_snapshot FROM "
                + t("ducklake_data_file")
                + " d LEFT JOIN (SELECT * FROM "
                + t("ducklake_delete_file")
                + " WHERE table_id = ? AND"
                + VISIBLE
                + ") del ON del.data_file_id = d.data_file_id WHERE d.table_id = ? AND ? >="
                + " d.begin_snapshot AND (d.end_snapshot IS NULL OR ? < d.end_snapshot) ORDER BY"
                + " d.data_file_id")) {
      ps.setLong(1, tableId);
      ps.setLong(2, snapshot);
      ps.setLong(3, snapshot);
      ps.setLong(4, tableId);
      ps.setLong(5, snapshot);
      ps.setLong(6, snapshot);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long delId = rs.getLong(8);
          boolean hasDel = !rs.wasNull();
          out.add(
              new LiveFile(
                  rs.getLong(1),
                  rs.getString(2),
                  bool(rs, 3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getLong(6),
                  rs.getLong(7),
                  hasDel ? delId : null,
                  rs.getString(9),
                  hasDel ? bool(rs, 10) : null,
                  hasDel ? rs.getLong(11) : 0,
                  hasDel ? rs.getLong(12) : null));
        }
      }
    }
    return out;
  }

  private static boolean bool(ResultSet rs, int i) throws SQLException {
    boolean v = rs.getBoolean(i);
    return rs.wasNull() || v;
  }
}
