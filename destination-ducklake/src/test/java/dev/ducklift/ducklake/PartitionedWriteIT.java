package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.PartitionField;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Partitioned tables: the catalog rows and hive layout of the official writer, read back alike. */
class PartitionedWriteIT {
  private static final Path FIXTURES = Path.of("/work/shared/ducklake/fixtures");
  private static final TableName SALES = TableName.of("sales");

  private static EmbeddedPostgres pg;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() {
    pg = Lakes.startPostgres();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  private static final List<String> CATALOG =
      List.of(
          "SELECT snapshot_id, schema_version, next_catalog_id, next_file_id FROM"
              + " {ducklake_snapshot} ORDER BY 1",
          "SELECT snapshot_id, changes_made FROM {ducklake_snapshot_changes} ORDER BY 1",
          "SELECT table_id, begin_snapshot, end_snapshot, schema_id, table_name FROM"
              + " {ducklake_table} ORDER BY 1, 2",
          "SELECT * FROM {ducklake_column} ORDER BY table_id, column_id, begin_snapshot",
          "SELECT * FROM {ducklake_schema_versions} ORDER BY 1, 3",
          "SELECT * FROM {ducklake_partition_info} ORDER BY 1",
          "SELECT * FROM {ducklake_partition_column} ORDER BY 1, 3",
          "SELECT * FROM {ducklake_file_partition_value} ORDER BY 1, 3",
          "SELECT data_file_id, table_id, begin_snapshot, end_snapshot, file_order,"
              + " path_is_relative, file_format, record_count, row_id_start, partition_id,"
              + " encryption_key, mapping_id, partial_max,"
              + " regexp_replace(path, 'ducklake-[^/]*[.]parquet$', '') AS directory"
              + " FROM {ducklake_data_file} ORDER BY 1",
          "SELECT data_file_id, table_id, column_id, value_count, null_count, min_value,"
              + " max_value, contains_nan, extra_stats FROM {ducklake_file_column_stats}"
              + " ORDER BY 1, 3",
          "SELECT table_id, record_count, next_row_id FROM {ducklake_table_stats} ORDER BY 1",
          "SELECT * FROM {ducklake_table_column_stats} ORDER BY 1, 2");

  private static final String FIRST_ROWS =
      "SELECT i AS id, (['eu','us','apac'])[1 + i % 3] AS region, TIMESTAMP '2024-11-15' +"
          + " INTERVAL (i) DAY AS sold_at, (i * 3.3)::DECIMAL(12,2) AS amount FROM range(0, 120)"
          + " r(i)";
  private static final String SECOND_ROWS =
      "SELECT 1000 + i AS id, (['eu','us'])[1 + i % 2] AS region, TIMESTAMP '2025-06-01' +"
          + " INTERVAL (i) HOUR AS sold_at, i AS amount FROM range(0, 40) r(i)";

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void replayingThePartitionedFixtureWritesTheOfficialCatalogRowsAndReadsAlike(Lakes.Kind kind)
      throws Exception {
    try (DuckLake lake = Lakes.create(kind, dir, pg);
        Connection duck = Lakes.duckdb()) {
      lake.newTransaction()
          .createTable(
              SALES,
              List.of(
                  ColumnDefinition.of("id", LakeType.primitive("int64")),
                  ColumnDefinition.of("region", LakeType.primitive("varchar")),
                  ColumnDefinition.of("sold_at", LakeType.primitive("timestamp")),
                  ColumnDefinition.of("amount", LakeType.primitive("decimal(12,2)"))))
          .commit();
      partition(lake, "year(sold_at)", "month(sold_at)");
      append(lake, duck, FIRST_ROWS);
      partition(lake, "region");
      append(lake, duck, SECOND_ROWS);

      assertSameCatalog(lake, "07-partitioned");
      try (LakeReader reader = LakeReader.open(lake)) {
        for (long s = 1; s <= 5; s++) {
          assertReadsAsExpected(reader, s, FIXTURES.resolve("07-partitioned"), s);
        }
      }
      assertThat(Files.exists(dir.resolve("data/main/sales/year=2024/month=11"))).isTrue();
      assertThat(Files.exists(dir.resolve("data/main/sales/region=us"))).isTrue();
      try (Stream<Path> files = Files.walk(dir.resolve("data/main/sales"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.startsWith(".ducklift-spool") || n.startsWith("__ducklift_p"));
      }
      Lakes.assertVerified(lake);
    }
  }

  @Test
  void aTablePartitionedByTheOfficialWriterIsLoadedWithItsPartitioning() throws Exception {
    Path lakeDir = copyFixture("07-partitioned");
    try (DuckLake lake =
            DuckLake.open(
                CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake")),
                lakeDir.resolve("data"));
        Connection duck = Lakes.duckdb()) {
      String rows =
          "SELECT * FROM (VALUES (2000, 'eu', TIMESTAMP '2025-07-01 00:00:00', 1.00),"
              + " (2001, NULL, TIMESTAMP '2025-07-02 00:00:00', 2.00),"
              + " (2002, 'a/b c', TIMESTAMP '2025-07-03 00:00:00', 3.00))"
              + " t(id, region, sold_at, amount)";
      append(lake, duck, rows);
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT f.data_file_id, f.partition_id, f.row_id_start, v.partition_key_index,"
                      + " v.partition_value, regexp_replace(f.path, 'ducklake-[^/]*[.]parquet$',"
                      + " '') FROM "
                      + Lakes.t(lake, "ducklake_data_file")
                      + " f JOIN "
                      + Lakes.t(lake, "ducklake_file_partition_value")
                      + " v USING (data_file_id) WHERE f.begin_snapshot = 6 ORDER BY 1"))
          .containsExactly(
              List.of("7", "3", "160", "0", "a/b c", "region=a%2Fb%20c/"),
              List.of("8", "3", "161", "0", "eu", "region=eu/"),
              Row.of("9", "3", "162", "0", null, "region=__HIVE_DEFAULT_PARTITION__/"));
      try (LakeReader reader = LakeReader.open(lake);
          LakeSession session = reader.at(6)) {
        String expected =
            "SELECT id, region, sold_at, amount FROM read_parquet('"
                + lakeDir.resolve("expected/main.sales@5.parquet")
                + "') UNION ALL "
                + rows.replace("1.00", "CAST(1.00 AS DECIMAL(12,2))");
        assertThat(
                session
                    .sql(
                        "(SELECT 'unexpected', * FROM main.sales EXCEPT ALL SELECT 'unexpected', *"
                            + " FROM ("
                            + expected
                            + ")) UNION ALL (SELECT 'missing', * FROM ("
                            + expected
                            + ") EXCEPT ALL SELECT 'missing', * FROM main.sales)")
                    .rows())
            .isEmpty();
        assertThat(session.sql("SELECT count(*) FROM main.sales").scalar()).isEqualTo(163L);
      }
      Lakes.assertVerified(lake);
    }
  }

  @Test
  void aPartitionKeyThatDoesNotFitTheTableIsRefusedBeforeAnythingIsWritten() throws Exception {
    try (DuckLake lake = Lakes.create(Lakes.Kind.DUCKDB, dir, pg)) {
      lake.newTransaction()
          .createTable(
              SALES,
              List.of(
                  ColumnDefinition.of("id", LakeType.primitive("int64")),
                  ColumnDefinition.of("region", LakeType.primitive("varchar")),
                  ColumnDefinition.of("sold_on", LakeType.primitive("date"))))
          .commit();
      long before = lake.currentSnapshot().snapshotId();
      assertThatThrownBy(() -> partition(lake, "year(region)"))
          .isInstanceOf(DuckLakeException.class)
          .hasMessage(
              "Table main.sales: partition key 'year(region)': year does not apply to column"
                  + " region of type varchar (it needs a date or timestamp)");
      assertThatThrownBy(() -> partition(lake, "hour(sold_on)"))
          .hasMessageContaining("partition key 'hour(sold_on)'")
          .hasMessageContaining("(it needs a timestamp)");
      assertThatThrownBy(() -> partition(lake, "month(sold_at)"))
          .hasMessageContaining(
              "Table main.sales: partition key 'month(sold_at)' names no column of the table");
      assertThat(lake.currentSnapshot().snapshotId()).isEqualTo(before);
      assertThat(
              Lakes.catalogRows(lake, "SELECT * FROM " + Lakes.t(lake, "ducklake_partition_info")))
          .isEmpty();
    }
  }

  @Test
  void theSameKeysAgainChangeNothingAndAnEmptyListEndsThePartitioning() throws Exception {
    try (DuckLake lake = Lakes.create(Lakes.Kind.DUCKDB, dir, pg);
        Connection duck = Lakes.duckdb()) {
      Transaction create = lake.newTransaction();
      create.createTable(
          SALES,
          List.of(
              ColumnDefinition.of("id", LakeType.primitive("int64")),
              ColumnDefinition.of("sold_at", LakeType.primitive("timestamptz"))));
      assertThat(create.setPartitioning(SALES, List.of(PartitionField.parse("day(sold_at)"))))
          .isTrue();
      // an hour before midnight UTC is the previous day, whatever the writer's time zone
      create.append(SALES, duck, "SELECT 1 AS id, TIMESTAMPTZ '2025-03-01 23:30:00+00' AS sold_at");
      CommitResult created = create.commit();
      assertThat(created.snapshot().changesMade())
          .isEqualTo("created_table:\"main\".\"sales\",inserted_into_table:1");
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT partition_id, begin_snapshot, end_snapshot FROM "
                      + Lakes.t(lake, "ducklake_partition_info")))
          .containsExactly(Row.of("2", "1", null));
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT partition_value, path LIKE 'day=1/%' FROM "
                      + Lakes.t(lake, "ducklake_file_partition_value")
                      + " JOIN "
                      + Lakes.t(lake, "ducklake_data_file")
                      + " USING (data_file_id)"))
          .containsExactly(List.of("1", "true"));

      Transaction same = lake.newTransaction();
      assertThat(same.setPartitioning(SALES, List.of(PartitionField.parse("day(sold_at)"))))
          .isFalse();
      same.close();

      Transaction none = lake.newTransaction();
      assertThat(none.setPartitioning(SALES, List.of())).isTrue();
      none.append(SALES, duck, "SELECT 2 AS id, TIMESTAMPTZ '2025-03-02 00:00:00+00' AS sold_at");
      assertThat(none.commit().snapshot().changesMade())
          .isEqualTo("inserted_into_table:1,altered_table:1");
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT partition_id, begin_snapshot, end_snapshot FROM "
                      + Lakes.t(lake, "ducklake_partition_info")))
          .containsExactly(List.of("2", "1", "2"));
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT partition_id IS NULL, path NOT LIKE '%/%' FROM "
                      + Lakes.t(lake, "ducklake_data_file")
                      + " WHERE begin_snapshot = 2"))
          .containsExactly(List.of("true", "true"));
      Lakes.assertVerified(lake);
    }
  }

  /** A row that may hold nulls (List.of refuses them). */
  private static final class Row {
    static List<String> of(String... values) {
      List<String> row = new ArrayList<>();
      for (String v : values) {
        row.add(v);
      }
      return row;
    }
  }

  private static void partition(DuckLake lake, String... keys) {
    List<PartitionField> fields = new ArrayList<>();
    for (String k : keys) {
      fields.add(PartitionField.parse(k));
    }
    Transaction tx = lake.newTransaction();
    try {
      tx.setPartitioning(SALES, fields);
      tx.commit();
    } finally {
      tx.close();
    }
  }

  private static void append(DuckLake lake, Connection duck, String query) {
    Transaction tx = lake.newTransaction();
    tx.append(SALES, duck, query);
    tx.commit();
  }

  private Path copyFixture(String fixture) throws Exception {
    Path source = FIXTURES.resolve(fixture);
    Path target = dir.resolve(fixture);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }

  private static void assertReadsAsExpected(
      LakeReader reader, long snapshot, Path fixture, long fixtureSnapshot) {
    Path expected = fixture.resolve("expected/main.sales@" + fixtureSnapshot + ".parquet");
    try (LakeSession session = reader.at(snapshot)) {
      String x = "SELECT * FROM read_parquet('" + expected + "')";
      assertThat(
              session
                  .sql(
                      "SELECT count(*) FROM ((SELECT * FROM main.sales EXCEPT ALL "
                          + x
                          + ") UNION ALL ("
                          + x
                          + " EXCEPT ALL SELECT * FROM main.sales))")
                  .scalar())
          .as("rows of main.sales at snapshot %d", snapshot)
          .isEqualTo(0L);
      assertThat(session.sql("SELECT count(*) FROM main.sales").scalar())
          .isEqualTo(session.sql("SELECT count(*) FROM (" + x + ")").scalar());
    }
  }

  private void assertSameCatalog(DuckLake lake, String fixture) throws Exception {
    Path copy = dir.resolve(fixture + ".ducklake");
    Files.copy(FIXTURES.resolve(fixture).resolve("catalog.ducklake"), copy);
    try (CatalogDatabase official = CatalogDatabase.open(CatalogLocation.duckdb(copy), true);
        Connection expected = official.connect();
        Connection actual = lake.catalog().connect()) {
      for (String q : CATALOG) {
        assertThat(run(actual, lake.catalog(), q))
            .as("%s: %s", fixture, q)
            .containsExactlyElementsOf(run(expected, official, q));
      }
    }
  }

  private static List<List<String>> run(Connection c, CatalogDatabase db, String query)
      throws SQLException {
    String sql = query;
    for (String name : dev.ducklift.ducklake.catalog.CatalogTables.names()) {
      sql = sql.replace("{" + name + "}", db.table(name));
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<List<String>> rows = Lakes.rows(rs);
      for (List<String> row : rows) {
        row.replaceAll(
            v -> v == null ? null : v.equals("t") ? "true" : v.equals("f") ? "false" : v);
      }
      return rows;
    }
  }
}
