package dev.ducklift.ducklake;

import dev.ducklift.core.Secret;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.verify.LakeVerifier;
import dev.ducklift.ducklake.verify.VerifyReport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Test lakes on both catalog kinds, and reading a lake's rows back without the reader package. */
final class Lakes {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  enum Kind {
    DUCKDB,
    POSTGRES
  }

  private Lakes() {}

  static EmbeddedPostgres startPostgres() {
    try {
      return EmbeddedPostgres.builder().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CatalogLocation catalog(Kind kind, Path dir, EmbeddedPostgres pg) {
    return switch (kind) {
      case DUCKDB -> CatalogLocation.duckdb(dir.resolve("catalog.ducklake"));
      case POSTGRES ->
          CatalogLocation.postgres(
              pg.getJdbcUrl("postgres", "postgres"),
              "postgres",
              Secret.of("postgres"),
              "lake_" + COUNTER.incrementAndGet());
    };
  }

  static DuckLake create(Kind kind, Path dir, EmbeddedPostgres pg) {
    return DuckLake.create(catalog(kind, dir, pg), dir.resolve("data"));
  }

  /** Runs the verifier (package {@code verify}) over the lake and fails on any problem. */
  static void assertVerified(DuckLake lake) {
    try (LakeReader reader = LakeReader.open(lake)) {
      VerifyReport report = LakeVerifier.verify(reader);
      org.assertj.core.api.Assertions.assertThat(report.problems()).as(report.toString()).isEmpty();
    }
  }

  static Connection duckdb() {
    try {
      return DriverManager.getConnection("jdbc:duckdb:");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a query on the lake's catalog and returns rows of strings. */
  static List<List<String>> catalogRows(DuckLake lake, String sql) {
    try (Connection c = lake.catalog().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  static String t(DuckLake lake, String table) {
    return lake.catalog().table(table);
  }

  static List<List<String>> query(Connection duck, String sql) {
    try (Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  static List<List<String>> rows(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<List<String>> out = new ArrayList<>();
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        row.add(rs.getString(i));
      }
      out.add(row);
    }
    return out;
  }

  /**
   * The visible rows of a table at the latest snapshot, read from its live Parquet files by field
   * id (columns as named now), minus deleted positions, as a DuckDB SQL relation text.
   */
  static String relation(DuckLake lake, TableName table) {
    long tableId =
        Long.parseLong(
            catalogRows(
                    lake,
                    "SELECT t.table_id FROM "
                        + t(lake, "ducklake_table")
                        + " t JOIN "
                        + t(lake, "ducklake_schema")
                        + " s ON s.schema_id = t.schema_id WHERE t.end_snapshot IS NULL AND"
                        + " s.end_snapshot IS NULL AND s.schema_name = '"
                        + table.schema().replace("'", "''")
                        + "' AND t.table_name = '"
                        + table.name().replace("'", "''")
                        + "'")
                .get(0)
                .get(0));
    List<List<String>> cols =
        catalogRows(
            lake,
            "SELECT column_id, column_name FROM "
                + t(lake, "ducklake_column")
                + " WHERE table_id = "
                + tableId
                + " AND end_snapshot IS NULL AND parent_column IS NULL ORDER BY column_order");
    StringBuilder select = new StringBuilder();
    for (List<String> c : cols) {
      if (select.length() > 0) {
        select.append(", ");
      }
      select.append('"').append(c.get(1).replace("\"", "\"\"")).append('"');
    }
    List<String> parts = new ArrayList<>();
    for (DataFileInfo f : lake.liveDataFiles(table)) {
      String src =
          "read_parquet('"
              + f.path().replace("'", "''")
              + "', schema = "
              + schemaMap(lake, tableId)
              + ", file_row_number = true)";
      String where =
          f.deleteFilePath() == null
              ? ""
              : " WHERE file_row_number NOT IN (SELECT pos FROM read_parquet('"
                  + f.deleteFilePath().replace("'", "''")
                  + "'))";
      parts.add("SELECT " + select + " FROM " + src + where);
    }
    if (parts.isEmpty()) {
      return "(SELECT NULL WHERE false)";
    }
    return "(" + String.join(" UNION ALL ", parts) + ")";
  }

  private static String schemaMap(DuckLake lake, long tableId) {
    // nested types are rebuilt by DuckDB from the file itself; only names and ids are needed
    List<List<String>> cols =
        catalogRows(
            lake,
            "SELECT column_id, column_name, column_type, initial_default FROM "
                + t(lake, "ducklake_column")
                + " WHERE table_id = "
                + tableId
                + " AND end_snapshot IS NULL AND parent_column IS NULL ORDER BY column_order");
    StringBuilder b = new StringBuilder("MAP {");
    for (int i = 0; i < cols.size(); i++) {
      List<String> c = cols.get(i);
      if (i > 0) {
        b.append(", ");
      }
      String type = duckdbType(lake, tableId, Long.parseLong(c.get(0)), c.get(2));
      b.append(c.get(0))
          .append(": {name: '")
          .append(c.get(1).replace("'", "''"))
          .append("', type: '")
          .append(type.replace("'", "''"))
          .append("', default_value: ")
          .append(c.get(3) == null ? "NULL" : "CAST('" + c.get(3) + "' AS " + type + ")")
          .append("}");
    }
    return b.append('}').toString();
  }

  private static String duckdbType(DuckLake lake, long tableId, long columnId, String type) {
    List<List<String>> kids =
        catalogRows(
            lake,
            "SELECT column_id, column_name, column_type FROM "
                + t(lake, "ducklake_column")
                + " WHERE table_id = "
                + tableId
                + " AND end_snapshot IS NULL AND parent_column = "
                + columnId
                + " ORDER BY column_order");
    return switch (type) {
      case "list" ->
          duckdbType(lake, tableId, Long.parseLong(kids.get(0).get(0)), kids.get(0).get(2)) + "[]";
      case "map" ->
          "MAP("
              + duckdbType(lake, tableId, Long.parseLong(kids.get(0).get(0)), kids.get(0).get(2))
              + ", "
              + duckdbType(lake, tableId, Long.parseLong(kids.get(1).get(0)), kids.get(1).get(2))
              + ")";
      case "struct" -> {
        List<String> fields = new ArrayList<>();
        for (List<String> k : kids) {
          fields.add(
              "\""
                  + k.get(1).replace("\"", "\"\"")
                  + "\" "
                  + duckdbType(lake, tableId, Long.parseLong(k.get(0)), k.get(2)));
        }
        yield "STRUCT(" + String.join(", ", fields) + ")";
      }
      default -> LakeType.primitive(type).duckdbType();
    };
  }
}
