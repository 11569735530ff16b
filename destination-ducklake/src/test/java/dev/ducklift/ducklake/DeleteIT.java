package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeleteIT {
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

  private static final TableName EVENTS = TableName.of("events");

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void deletesWriteCumulativeDeleteFilesAndEndFilesThatLoseEveryRow(Lakes.Kind kind)
      throws Exception {
    try (DuckLake lake = Lakes.create(kind, dir, pg);
        Connection duck = Lakes.duckdb()) {
      try (Statement s = duck.createStatement()) {
        s.execute(
            "CREATE TABLE src AS SELECT i AS id, (['login', 'api', 'buy', 'view', 'error'])[1 + i %"
                + " 5] AS kind FROM range(0, 3500) r(i)");
        s.execute("CREATE TABLE expected AS SELECT * FROM src");
      }
      lake.newTransaction()
          .createTable(
              EVENTS,
              List.of(
                  ColumnDefinition.of("id", LakeType.primitive("int64")),
                  ColumnDefinition.of("kind", LakeType.primitive("varchar"))))
          .commit();
      Transaction first = lake.newTransaction();
      first.append(EVENTS, duck, "SELECT * FROM src WHERE id < 3000");
      first.commit();
      Transaction second = lake.newTransaction();
      second.append(EVENTS, duck, "SELECT * FROM src WHERE id >= 3000");
      second.commit();

      Transaction d1 = lake.newTransaction();
      assertThat(d1.deleteWhere(EVENTS, duck, "kind = 'error' AND id < 600")).isEqualTo(120);
      CommitResult r1 = d1.commit();
      Transaction d2 = lake.newTransaction();
      assertThat(d2.deleteWhere(EVENTS, duck, "kind = 'view' AND id < 300")).isEqualTo(60);
      CommitResult r2 = d2.commit();
      Transaction d3 = lake.newTransaction();
      assertThat(d3.deleteWhere(EVENTS, duck, "id >= 3000")).isEqualTo(500);
      CommitResult r3 = d3.commit();
      try (Statement s = duck.createStatement()) {
        s.execute(
            "DELETE FROM expected WHERE (kind = 'error' AND id < 600) OR (kind = 'view' AND id <"
                + " 300) OR id >= 3000");
      }

      assertThat(r1.rowsDeleted()).isEqualTo(120);
      assertThat(r3.snapshotId()).isEqualTo(r2.snapshotId() + 1);
      String rel = Lakes.relation(lake, EVENTS);
      assertThat(Lakes.query(duck, "SELECT * FROM " + rel + " ORDER BY id"))
          .isEqualTo(Lakes.query(duck, "SELECT * FROM expected ORDER BY id"));

      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT snapshot_id, changes_made FROM "
                      + Lakes.t(lake, "ducklake_snapshot_changes")
                      + " WHERE snapshot_id >= 4 ORDER BY 1"))
          .containsExactly(
              List.of("4", "deleted_from_table:1"),
              List.of("5", "deleted_from_table:1"),
              List.of("6", "deleted_from_table:1"));
      // one file id per delete file; a whole-file delete writes none
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT snapshot_id, schema_version, next_file_id FROM "
                      + Lakes.t(lake, "ducklake_snapshot")
                      + " WHERE snapshot_id >= 3 ORDER BY 1"))
          .containsExactly(
              List.of("3", "1", "2"),
              List.of("4", "1", "3"),
              List.of("5", "1", "4"),
              List.of("6", "1", "4"));
      // the official extension's 1.0 layout: the second delete file replaces the first, whose
      // row leaves the catalog (its file is scheduled for deletion); the replacement tags every
      // position with the snapshot that deleted it and spans snapshots 4 (begin) to 5 (partial_max)
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT delete_file_id, begin_snapshot, end_snapshot, data_file_id, delete_count,"
                      + " partial_max FROM "
                      + Lakes.t(lake, "ducklake_delete_file")
                      + " ORDER BY 1"))
          .containsExactly(Arrays.asList("3", "4", null, "0", "180", "5"));
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT data_file_id, CASE WHEN path LIKE 'main/events/ducklake-%-delete.parquet'"
                      + " AND path_is_relative THEN 'relative to data_path' END FROM "
                      + Lakes.t(lake, "ducklake_files_scheduled_for_deletion")))
          .containsExactly(List.of("2", "relative to data_path"));
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT data_file_id, end_snapshot FROM "
                      + Lakes.t(lake, "ducklake_data_file")
                      + " ORDER BY 1"))
          .containsExactly(Arrays.asList("0", null), List.of("1", "6"));
      // deletes never decrement table stats
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT record_count, next_row_id FROM " + Lakes.t(lake, "ducklake_table_stats")))
          .containsExactly(List.of("3500", "3500"));

      DataFileInfo file = lake.liveDataFiles(EVENTS).get(0);
      assertThat(file.deleteCount()).isEqualTo(180);
      assertThat(Files.size(Path.of(file.deleteFilePath())))
          .isEqualTo(
              Long.parseLong(
                  Lakes.catalogRows(
                          lake,
                          "SELECT file_size_bytes FROM "
                              + Lakes.t(lake, "ducklake_delete_file")
                              + " WHERE end_snapshot IS NULL")
                      .get(0)
                      .get(0)));
      String del = "read_parquet('" + file.deleteFilePath() + "')";
      assertThat(
              Lakes.query(
                  duck,
                  "SELECT count(*), count(DISTINCT pos), bool_and(pos > prev OR prev IS NULL),"
                      + " typeof(any_value(pos)), any_value(file_path) = '"
                      + file.path()
                      + "' FROM (SELECT pos, lag(pos) OVER (ORDER BY file_row_number) AS prev,"
                      + " file_path FROM read_parquet('"
                      + file.deleteFilePath()
                      + "', file_row_number = true))"))
          .containsExactly(List.of("180", "180", "true", "BIGINT", "true"));
      assertThat(
              Lakes.query(
                  duck,
                  "SELECT name, field_id FROM parquet_schema('"
                      + file.deleteFilePath()
                      + "') WHERE field_id IS NOT NULL ORDER BY field_id"))
          .containsExactly(
              List.of("_ducklake_internal_snapshot_id", "2147483539"),
              List.of("pos", "2147483645"),
              List.of("file_path", "2147483646"));
      assertThat(
              Lakes.query(
                  duck,
                  "SELECT _ducklake_internal_snapshot_id, count(*) FROM "
                      + del
                      + " GROUP BY 1 ORDER BY 1"))
          .containsExactly(List.of("4", "120"), List.of("5", "60"));
      Lakes.assertVerified(lake);
    }
  }

  @org.junit.jupiter.api.Test
  void deletesCanBeLimitedToChosenFilesAndAccumulateWithinOneTransaction() throws Exception {
    try (DuckLake lake = Lakes.create(Lakes.Kind.DUCKDB, dir, pg);
        Connection duck = Lakes.duckdb()) {
      lake.newTransaction()
          .createTable(EVENTS, List.of(ColumnDefinition.of("id", LakeType.primitive("int64"))))
          .commit();
      for (int f = 0; f < 2; f++) {
        Transaction tx = lake.newTransaction();
        tx.append(
            EVENTS, duck, "SELECT range AS id FROM range(" + f * 100 + ", " + (f + 1) * 100 + ")");
        tx.commit();
      }
      long second = lake.liveDataFiles(EVENTS).get(1).dataFileId();
      Transaction tx = lake.newTransaction();
      assertThat(tx.deleteWhere(EVENTS, duck, "id % 10 = 0", List.of(second))).isEqualTo(10);
      assertThat(tx.deleteWhere(EVENTS, duck, "id % 10 IN (0, 1)", List.of(second))).isEqualTo(10);
      CommitResult r = tx.commit();
      assertThat(r.rowsDeleted()).isEqualTo(20);
      assertThat(
              Lakes.query(
                  duck,
                  "SELECT count(*), count(*) FILTER (WHERE id < 100), min(id) FROM "
                      + Lakes.relation(lake, EVENTS)))
          .containsExactly(List.of("180", "100", "0"));
      try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("data"))) {
        assertThat(files.filter(p -> p.toString().endsWith("-delete.parquet")).count())
            .isEqualTo(1);
      }
      Lakes.assertVerified(lake);

      // the rest of the second file: the file and its delete file both end
      Transaction rest = lake.newTransaction();
      assertThat(rest.deleteWhere(EVENTS, duck, "id >= 100")).isEqualTo(80);
      long s = rest.commit().snapshotId();
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT (SELECT end_snapshot FROM "
                      + Lakes.t(lake, "ducklake_data_file")
                      + " WHERE data_file_id = "
                      + second
                      + "), (SELECT max(end_snapshot) FROM "
                      + Lakes.t(lake, "ducklake_delete_file")
                      + "), (SELECT count(*) FROM "
                      + Lakes.t(lake, "ducklake_delete_file")
                      + " WHERE end_snapshot IS NULL)"))
          .containsExactly(List.of(Long.toString(s), Long.toString(s), "0"));
      assertThat(Lakes.query(duck, "SELECT count(*), max(id) FROM " + Lakes.relation(lake, EVENTS)))
          .containsExactly(List.of("100", "99"));
      Lakes.assertVerified(lake);
    }
  }
}
