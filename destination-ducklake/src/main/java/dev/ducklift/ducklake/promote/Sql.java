package dev.ducklift.ducklake.promote;

import dev.ducklift.ducklake.DataFileInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Quoting and small query helpers for the DuckDB SQL the promote stage generates. */
final class Sql {
  private Sql() {}

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static String literal(String value) {
    return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
  }

  static String columnList(List<String> columns) {
    return columns.stream().map(Sql::quote).collect(Collectors.joining(", "));
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static Object scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getObject(1) : null;
    }
  }

  /**
   * A relation over the live rows of some data files: the named columns of each file, minus the
   * positions its live delete file lists, filtered by {@code where} (pushed into the Parquet scan
   * so row groups are skipped by their statistics). Columns are matched by name: the promote stage
   * never renames columns. Returns {@code null} for no files.
   */
  static String liveRows(List<DataFileInfo> files, List<String> columns, String where) {
    if (files.isEmpty()) {
      return null;
    }
    String cols = columnList(columns);
    String filter = where == null ? "true" : where;
    List<String> parts = new ArrayList<>();
    List<String> plain = new ArrayList<>();
    for (DataFileInfo f : files) {
      if (f.deleteFilePath() == null) {
        plain.add(literal(f.path()));
      } else {
        parts.add(
            "SELECT "
                + cols
                + " FROM read_parquet("
                + literal(f.path())
                + ", file_row_number = true) WHERE file_row_number NOT IN (SELECT pos FROM"
                + " read_parquet("
                + literal(f.deleteFilePath())
                + ")) AND ("
                + filter
                + ")");
      }
    }
    if (!plain.isEmpty()) {
      parts.add(
          0,
          "SELECT "
              + cols
              + " FROM read_parquet(["
              + String.join(", ", plain)
              + "], union_by_name = true) WHERE "
              + filter);
    }
    return String.join(" UNION ALL ", parts);
  }
}
