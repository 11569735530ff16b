package dev.ducklift.ducklake.write;

import static dev.ducklift.ducklake.catalog.CatalogDatabase.literal;
import static dev.ducklift.ducklake.catalog.CatalogDatabase.quote;

import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.internal.Uuids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes data and delete files with DuckDB's Parquet {@code COPY}. */
public final class ParquetFiles {
  /** Field ids the official implementation gives the columns of a delete file. */
  static final long DELETE_FILE_PATH_FIELD_ID = 2147483646L;

  static final long DELETE_POS_FIELD_ID = 2147483645L;

  /** Field id of {@code _ducklake_internal_snapshot_id}, in data and delete files alike. */
  static final long SNAPSHOT_ID_FIELD_ID = 2147483539L;

  private ParquetFiles() {}

  /**
   * Tables wider than this take the path with a separate statement: the bound check below matches
   * every column name against every table column, which at 64 columns binds slower than that
   * statement.
   */
  private static final int MAX_CHECKED_COLUMNS = 32;

  /**
   * Writes the rows of {@code query} as data files of a table: columns cast to the table's types
   * with field ids equal to column ids; columns missing from the query get their default (or NULL).
   * Large results roll over into several files of about {@code targetFileSize} bytes.
   *
   * <p>The rows usually have exactly the table's columns, so the {@code COPY} is first written for
   * that case, checked by DuckDB while it binds the statement: each table column is taken as {@code
   * COLUMNS('^name$')}, a regular expression that matches its name exactly (DuckDB resolves plain
   * names regardless of case), so a missing column fails the bind; and {@code pi(*COLUMNS(* EXCLUDE
   * (table columns)))} passes the rows' other columns to {@code pi()}, which takes none, so any
   * other column fails it too. Nothing is written then, and once bound the check is a constant that
   * leaves the plan. Only a failed bind reads the rows' columns (a separate statement) to write
   * defaults or name the offending column.
   *
   * @return the files written (none for an empty result)
   */
  public static List<WrittenFile> writeData(
      Connection duckdb,
      String query,
      String tableLabel,
      List<ColumnNode> columns,
      String directory,
      long targetFileSize) {
    return writeData(duckdb, query, tableLabel, columns, directory, targetFileSize, null);
  }

  /**
   * As {@link #writeData(Connection, String, String, List, String, long)}, split by the partition
   * values of {@code partitioning} into hive directories when it is not null.
   */
  public static List<WrittenFile> writeData(
      Connection duckdb,
      String query,
      String tableLabel,
      List<ColumnNode> columns,
      String directory,
      long targetFileSize,
      PartitionSpec partitioning) {
    createDirectory(directory, tableLabel);
    HiveLayout layout =
        partitioning == null ? null : new HiveLayout(partitioning, columns, directory);
    try {
      List<WrittenFile> files =
          write(duckdb, query, tableLabel, columns, directory, targetFileSize, layout);
      if (layout != null) {
        files = new ArrayList<>(files);
        files.sort(HiveLayout.BY_PARTITION);
      }
      return files;
    } finally {
      if (layout != null) {
        layout.removeSpool();
      }
    }
  }

  private static List<WrittenFile> write(
      Connection duckdb,
      String query,
      String tableLabel,
      List<ColumnNode> columns,
      String directory,
      long targetFileSize,
      HiveLayout layout) {
    String target = layout == null ? directory : layout.spoolDirectory();
    if (columns.size() <= MAX_CHECKED_COLUMNS) {
      StringBuilder names = new StringBuilder();
      for (ColumnNode c : columns) {
        names.append(names.length() == 0 ? "" : ", ").append(quote(c.name()));
      }
      String from =
          " FROM ("
              + query
              + ") AS \"__ducklift_src\" WHERE pi(*COLUMNS(* EXCLUDE ("
              + names
              + "))) > 0";
      try {
        return copy(
            duckdb, copySql(columns, null, from, target, targetFileSize, layout), columns, layout);
      } catch (SQLException e) {
        if (!String.valueOf(e.getMessage()).startsWith("Binder Error")) {
          throw writeFailed(tableLabel, e);
        }
        // the rows lack a table column, have another one, or do not bind at all: see below
      }
    }
    Set<String> queryColumns = queryColumns(duckdb, query, tableLabel);
    Set<String> tableColumns = new HashSet<>();
    for (ColumnNode c : columns) {
      tableColumns.add(c.name());
    }
    for (String q : queryColumns) {
      if (!tableColumns.contains(q)) {
        throw new DuckLakeException(
            "Cannot append to table "
                + tableLabel
                + ": the rows have a column "
                + q
                + " the table does not have");
      }
    }
    String from = " FROM (" + query + ") AS \"__ducklift_src\"";
    try {
      return copy(
          duckdb,
          copySql(columns, queryColumns, from, target, targetFileSize, layout),
          columns,
          layout);
    } catch (SQLException e) {
      throw writeFailed(tableLabel, e);
    }
  }

  /** A regular expression (RE2) matching exactly {@code name}: every code point escaped. */
  static String exactName(String name) {
    StringBuilder b = new StringBuilder(name.length() * 6 + 2).append('^');
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      b.append("\\x{").append(Integer.toHexString(cp)).append('}');
      i += Character.charCount(cp);
    }
    return b.append('$').toString();
  }

  private static DuckLakeException writeFailed(String tableLabel, SQLException e) {
    return new DuckLakeException(
        "Cannot write Parquet data for table " + tableLabel + ": " + e.getMessage(), e);
  }

  /**
   * The {@code COPY} of the table's columns, cast to their types, from {@code from} (which names
   * the rows {@code "__ducklift_src"}).
   *
   * @param queryColumns the columns the rows have, or null if they have exactly the table's columns
   *     (taken by exact name, see {@link #writeData})
   */
  private static String copySql(
      List<ColumnNode> columns,
      Set<String> queryColumns,
      String from,
      String directory,
      long targetFileSize,
      HiveLayout layout) {
    StringBuilder select = new StringBuilder("SELECT ");
    StringBuilder fieldIds = new StringBuilder("{");
    for (int i = 0; i < columns.size(); i++) {
      ColumnNode c = columns.get(i);
      if (i > 0) {
        select.append(", ");
        fieldIds.append(", ");
      }
      String type = c.type().duckdbType();
      String value;
      if (queryColumns == null) {
        value = "COLUMNS(" + literal(exactName(c.name())) + ")";
      } else if (queryColumns.contains(c.name())) {
        value = "\"__ducklift_src\"." + quote(c.name());
      } else if (c.defaultValue() != null && !c.defaultValue().equals("NULL")) {
        value = literal(c.defaultValue());
      } else {
        value = "NULL";
      }
      select.append("CAST(").append(value).append(" AS ").append(type).append(") AS ");
      select.append(quote(c.name()));
      fieldIds.append(ColumnNode.structKey(c.name())).append(": ").append(c.fieldIdSpec());
    }
    fieldIds.append('}');
    select.append(from);
    String rows = layout == null ? select.toString() : layout.withKeyColumns(select.toString());
    return "COPY ("
        + rows
        + ") TO "
        + literal(stripSlash(directory))
        + " (FORMAT parquet, FILE_SIZE_BYTES "
        + targetFileSize
        + ", FILENAME_PATTERN 'ducklake-{uuidv7}', APPEND true, FIELD_IDS "
        + fieldIds
        + (layout == null ? "" : ", " + layout.partitionByOption())
        + ", RETURN_STATS true)";
  }

  /** Runs a data {@code COPY}; on failure, removes the files it reported and rethrows. */
  private static List<WrittenFile> copy(
      Connection duckdb, String sql, List<ColumnNode> columns, HiveLayout layout)
      throws SQLException {
    List<WrittenFile> out = new ArrayList<>();
    try (Statement s = duckdb.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String file = rs.getString("filename");
        long count = rs.getLong("count");
        if (count == 0) {
          deleteQuietly(file);
          continue;
        }
        Map<?, ?> stats = (Map<?, ?>) rs.getObject("column_statistics");
        WrittenFile written =
            new WrittenFile(
                file,
                Paths.get(file).getFileName().toString(),
                count,
                rs.getLong("file_size_bytes"),
                rs.getLong("footer_size_bytes"),
                leafStats(columns, stats, count));
        if (layout != null) {
          // moved into its hive directory before the next file, so a failure removes it there
          written = layout.place(written, (Map<?, ?>) rs.getObject("partition_keys"));
        }
        out.add(written);
      }
    } catch (SQLException e) {
      for (WrittenFile f : out) {
        deleteQuietly(f.absolutePath());
      }
      throw e;
    }
    return out;
  }

  private static Set<String> queryColumns(Connection duckdb, String query, String tableLabel) {
    Set<String> names = new java.util.LinkedHashSet<>();
    // preparing binds the query and yields its columns without running it
    try (PreparedStatement ps =
        duckdb.prepareStatement("SELECT * FROM (" + query + ") AS \"__ducklift_q\"")) {
      ResultSetMetaData md = ps.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        if (!names.add(md.getColumnName(i))) {
          throw new DuckLakeException(
              "Cannot append to table "
                  + tableLabel
                  + ": the rows have column "
                  + md.getColumnName(i)
                  + " twice");
        }
      }
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the rows to append to table " + tableLabel + ": " + e.getMessage(), e);
    }
    return names;
  }

  private static List<FileColumnStats> leafStats(
      List<ColumnNode> columns, Map<?, ?> stats, long count) {
    List<FileColumnStats> out = new ArrayList<>();
    for (ColumnNode c : columns) {
      collectLeaves(c, quote(c.name()), stats, count, out);
    }
    return out;
  }

  private static void collectLeaves(
      ColumnNode c, String key, Map<?, ?> stats, long count, List<FileColumnStats> out) {
    if (!c.children().isEmpty()) {
      for (ColumnNode child : c.children()) {
        collectLeaves(child, key + "." + quote(child.name()), stats, count, out);
      }
      return;
    }
    Map<?, ?> s = stats == null ? null : (Map<?, ?>) stats.get(key);
    if (s == null) {
      out.add(new FileColumnStats(c.id(), null, null, null, null, null, null));
      return;
    }
    Long size = longValue(s.get("column_size_bytes"));
    Long nulls = longValue(s.get("null_count"));
    Long numValues = longValue(s.get("num_values"));
    Long valueCount = null;
    if (nulls != null && numValues != null) {
      if (numValues == 0 && nulls == 0 && count > 0) {
        // DuckDB reports no counts at all for some types (INTERVAL): unknown, not "no values",
        // or readers would prune the file for IS NOT NULL and fold IS NULL to false.
        nulls = null;
      } else {
        valueCount = numValues - nulls;
      }
    }
    Object min = s.get("min");
    Object max = s.get("max");
    Object nan = s.get("has_nan");
    out.add(
        new FileColumnStats(
            c.id(),
            size,
            valueCount,
            nulls,
            min == null ? null : min.toString(),
            max == null ? null : max.toString(),
            nan == null ? null : Boolean.valueOf(nan.toString())));
  }

  private static Long longValue(Object o) {
    return o == null ? null : Long.valueOf(o.toString());
  }

  /**
   * Writes a delete file for data file {@code dataFilePath} listing {@code positions} (sorted,
   * distinct) in the official two-column layout.
   */
  public static WrittenFile writeDeletes(
      Connection duckdb,
      String dataFilePath,
      String positionsQuery,
      String directory,
      String tableLabel) {
    return writeDeletes(duckdb, dataFilePath, positionsQuery, false, directory, tableLabel);
  }

  /**
   * Writes a delete file of a data file from a query of deleted positions ({@code pos}), sorted.
   * With {@code tagged}, the query also yields {@code snap}, the snapshot that deleted each
   * position, written as {@code _ducklake_internal_snapshot_id} (the official extension's layout
   * for a data file whose deletes span several snapshots, so readers at an earlier snapshot skip
   * later deletes and change feeds can tell the deletes of each snapshot apart).
   */
  public static WrittenFile writeDeletes(
      Connection duckdb,
      String dataFilePath,
      String positionsQuery,
      boolean tagged,
      String directory,
      String tableLabel) {
    createDirectory(directory, tableLabel);
    String name = "ducklake-" + Uuids.v7() + "-delete.parquet";
    String target = directory + name;
    String sql =
        "COPY (SELECT CAST("
            + literal(dataFilePath)
            + " AS VARCHAR) AS file_path, CAST(pos AS BIGINT) AS pos"
            + (tagged ? ", CAST(snap AS BIGINT) AS _ducklake_internal_snapshot_id" : "")
            + " FROM ("
            + positionsQuery
            + ") ORDER BY pos) TO "
            + literal(target)
            + " (FORMAT parquet, FIELD_IDS {file_path: "
            + DELETE_FILE_PATH_FIELD_ID
            + ", pos: "
            + DELETE_POS_FIELD_ID
            + (tagged ? ", _ducklake_internal_snapshot_id: " + SNAPSHOT_ID_FIELD_ID : "")
            + "}, RETURN_STATS true)";
    try (Statement s = duckdb.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return new WrittenFile(
          target,
          name,
          rs.getLong("count"),
          rs.getLong("file_size_bytes"),
          rs.getLong("footer_size_bytes"),
          List.of());
    } catch (SQLException e) {
      deleteQuietly(target);
      throw new DuckLakeException(
          "Cannot write a delete file for table " + tableLabel + ": " + e.getMessage(), e);
    }
  }

  static void createDirectory(String directory, String tableLabel) {
    try {
      Files.createDirectories(Path.of(directory));
    } catch (IOException e) {
      throw new DuckLakeException(
          "Cannot create the directory " + directory + " of table " + tableLabel + ": " + e, e);
    }
  }

  private static String stripSlash(String dir) {
    return dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }

  /** Deletes a file, ignoring failures (used for cleanup of uncommitted files). */
  public static void deleteQuietly(String path) {
    try {
      Files.deleteIfExists(Path.of(path));
    } catch (IOException ignored) {
      // an uncommitted file that cannot be removed is an orphan, never referenced by the catalog
    }
  }
}
