package dev.ducklift.ducklake.promote;

import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small reads of the current catalog (latest snapshot) the promote stage needs. */
final class LakeCatalog {
  private LakeCatalog() {}

  /**
   * {@code FROM ... ORDER BY} of the live top-level columns {@code c} of live table {@code t} in
   * live schema {@code s}; binds the schema name, then the table name.
   */
  private static String liveTopLevelColumns(CatalogDatabase db) {
    return db.table("ducklake_column")
        + " c JOIN "
        + db.table("ducklake_table")
        + " t ON t.table_id = c.table_id AND t.end_snapshot IS NULL JOIN "
        + db.table("ducklake_schema")
        + " s ON s.schema_id = t.schema_id AND s.end_snapshot IS NULL"
        + " WHERE s.schema_name = ? AND t.table_name = ? AND c.end_snapshot IS NULL"
        + " AND c.parent_column IS NULL ORDER BY c.column_order";
  }

  /** Top-level columns of a live table, name to DuckLake type, or empty if it does not exist. */
  static Map<String, String> columns(DuckLake lake, TableName table) {
    CatalogDatabase db = lake.catalog();
    String sql = "SELECT c.column_name, c.column_type FROM " + liveTopLevelColumns(db);
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table.schema());
      ps.setString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the columns of table " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * The live table's top-level columns, name to column id, for scans that map Parquet columns by
   * field id. Refuses a table holding rows inlined in the catalog (written by the official
   * extension): the promote stage reads only Parquet files and would miss them.
   */
  static Map<String, Long> scanColumns(DuckLake lake, TableName table) {
    return scanColumns(lake, table, false);
  }

  /**
   * Like {@link #scanColumns(DuckLake, TableName)}; with {@code inlinedRowsRead} the caller reads
   * the inlined rows itself, and a table holding some is not refused.
   */
  static Map<String, Long> scanColumns(DuckLake lake, TableName table, boolean inlinedRowsRead) {
    CatalogDatabase db = lake.catalog();
    String sql = "SELECT c.column_name, c.column_id, t.table_id FROM " + liveTopLevelColumns(db);
    Map<String, Long> out = new LinkedHashMap<>();
    Long tableId = null;
    try (Connection c = db.connect()) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, table.schema());
        ps.setString(2, table.name());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
            tableId = rs.getLong(3);
          }
        }
      }
      if (!inlinedRowsRead && tableId != null && hasInlinedRows(db, c, tableId)) {
        throw new DuckLakeException(
            "Cannot promote into table "
                + table
                + ": it holds rows inlined in the catalog (written by the official extension),"
                + " which the promote stage does not read; flush them to Parquet first (CALL"
                + " ducklake_flush_inlined_data)");
      }
      return out;
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the columns of table " + table + ": " + e.getMessage(), e);
    }
  }

  /** Whether a live table holds rows inlined in the catalog (false if it does not exist). */
  static boolean holdsInlinedRows(DuckLake lake, TableName table) {
    CatalogDatabase db = lake.catalog();
    String sql =
        "SELECT t.table_id FROM "
            + db.table("ducklake_table")
            + " t JOIN "
            + db.table("ducklake_schema")
            + " s ON s.schema_id = t.schema_id AND s.end_snapshot IS NULL"
            + " WHERE s.schema_name = ? AND t.table_name = ? AND t.end_snapshot IS NULL"
            + " AND EXISTS (SELECT 1 FROM "
            + db.table("ducklake_inlined_data_tables")
            + " i WHERE i.table_id = t.table_id)";
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table.schema());
      ps.setString(2, table.name());
      Long tableId = null;
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          tableId = rs.getLong(1);
        }
      }
      return tableId != null && hasInlinedRows(db, c, tableId);
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the inlined data tables of table " + table + ": " + e.getMessage(), e);
    }
  }

  private static boolean hasInlinedRows(CatalogDatabase db, Connection c, long tableId)
      throws SQLException {
    List<String> inlined = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT table_name FROM "
                + db.table("ducklake_inlined_data_tables")
                + " WHERE table_id = ?")) {
      ps.setLong(1, tableId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inlined.add(rs.getString(1));
        }
      }
    }
    for (String name : inlined) {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM " + db.table(name) + " WHERE end_snapshot IS NULL");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a live table exists. */
  static boolean exists(DuckLake lake, TableName table) {
    return !columns(lake, table).isEmpty();
  }

  /** Names of the live tables of a schema. */
  static List<String> tables(DuckLake lake, String schema) {
    CatalogDatabase db = lake.catalog();
    String sql =
        "SELECT t.table_name FROM "
            + db.table("ducklake_table")
            + " t JOIN "
            + db.table("ducklake_schema")
            + " s ON s.schema_id = t.schema_id AND s.end_snapshot IS NULL"
            + " WHERE s.schema_name = ? AND t.end_snapshot IS NULL ORDER BY t.table_name";
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot list the tables of schema " + schema + ": " + e.getMessage(), e);
    }
  }

  /**
   * File names (last path segment) of every data and delete file the catalog references, in any
   * snapshot, or has scheduled for deletion. Names are unique (they embed a UUID), so a file on
   * disk whose name is not in this set is referenced by no commit.
   */
  static java.util.Set<String> referencedFileNames(DuckLake lake) {
    CatalogDatabase db = lake.catalog();
    java.util.Set<String> out = new java.util.HashSet<>();
    String[] queries = {
      "SELECT path FROM " + db.table("ducklake_data_file"),
      "SELECT path FROM " + db.table("ducklake_delete_file"),
      "SELECT path FROM " + db.table("ducklake_files_scheduled_for_deletion")
    };
    try (Connection c = db.connect()) {
      for (String q : queries) {
        try (PreparedStatement ps = c.prepareStatement(q);
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String p = rs.getString(1);
            if (p != null) {
              int slash = p.lastIndexOf('/');
              out.add(slash < 0 ? p : p.substring(slash + 1));
            }
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot list the files referenced by the catalog "
              + db.location()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
