package dev.ducklift.ducklake.promote;

import dev.ducklift.ducklake.DataFileInfo;
import dev.ducklift.ducklake.read.ParquetNode;
import dev.ducklift.ducklake.storage.LakeFiles;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
   * positions its live delete file lists, filtered by {@code where}. Parquet columns are matched to
   * the table's columns by field id (the column id), as DuckLake readers do, so a column renamed by
   * another tool or written under another physical name is still found; files without field ids are
   * matched by name. The filter may name any column of {@code tableColumns} and is applied over the
   * mapped columns, which DuckDB pushes into the Parquet scan so row groups are still skipped by
   * their statistics. Returns {@code null} for no files.
   *
   * @param engine DuckDB connection used to read the files' Parquet schemas
   * @param lakeFiles gives local copies of the files (fetched only for the files given)
   * @param tableColumns the table's current top-level columns, name to column id
   */
  static String liveRows(
      Connection engine,
      LakeFiles lakeFiles,
      List<DataFileInfo> files,
      Map<String, Long> tableColumns,
      List<String> columns,
      String where) {
    if (files.isEmpty()) {
      return null;
    }
    String cols = columnList(columns);
    String filter = where == null ? "true" : where;
    // files with the same projection are read together; those with a delete file one by one
    Map<String, List<String>> plainByProjection = new LinkedHashMap<>();
    List<String> parts = new ArrayList<>();
    for (DataFileInfo f : files) {
      String path = lakeFiles.readable(f.path());
      String projection = projection(ParquetNode.read(engine, path), tableColumns, columns);
      if (f.deleteFilePath() == null) {
        plainByProjection.computeIfAbsent(projection, k -> new ArrayList<>()).add(literal(path));
      } else {
        parts.add(
            "SELECT "
                + cols
                + " FROM (SELECT "
                + projection
                + ", file_row_number FROM read_parquet("
                + literal(path)
                + ", file_row_number = true, hive_partitioning = false) p) WHERE file_row_number"
                + " NOT IN (SELECT pos FROM"
                + " read_parquet("
                + literal(lakeFiles.readable(f.deleteFilePath()))
                + ")) AND ("
                + filter
                + ")");
      }
    }
    List<String> plain = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : plainByProjection.entrySet()) {
      plain.add(
          "SELECT "
              + cols
              + " FROM (SELECT "
              + e.getKey()
              + " FROM read_parquet(["
              + String.join(", ", e.getValue())
              + "], union_by_name = true, hive_partitioning = false) p) WHERE "
              + filter);
    }
    parts.addAll(0, plain);
    return String.join(" UNION ALL ", parts);
  }

  /**
   * The select list renaming a file's physical columns to the table's column names: by field id
   * when the file has field ids, else by name; a column the file lacks (added later) reads NULL.
   */
  private static String projection(
      ParquetNode schema, Map<String, Long> tableColumns, List<String> columns) {
    Map<String, Long> wanted = new LinkedHashMap<>(tableColumns);
    for (String c : columns) {
      wanted.putIfAbsent(c, null);
    }
    boolean byId = schema.hasFieldIds();
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : wanted.entrySet()) {
      ParquetNode p =
          byId && e.getValue() != null
              ? schema.childByFieldId(e.getValue())
              : schema.childByName(e.getKey());
      out.add((p == null ? "NULL" : "p." + quote(p.name())) + " AS " + quote(e.getKey()));
    }
    return String.join(", ", out);
  }
}
