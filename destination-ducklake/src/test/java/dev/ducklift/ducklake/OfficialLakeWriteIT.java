package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing into lakes the official extension wrote. */
class OfficialLakeWriteIT {
  private static final Path FIXTURES = Path.of("/work/shared/ducklake/fixtures");

  @TempDir Path dir;

  private Path copy(String fixture) throws Exception {
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

  @Test
  void appendsContinueTheRowIdsAndStatsOfALakeWithInlinedRowsButDeletesAreRefused()
      throws Exception {
    Path lakeDir = copy("03-inlined");
    TableName readings = TableName.of("readings");
    try (DuckLake lake =
            DuckLake.open(
                CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake")),
                lakeDir.resolve("data"));
        Connection duck = Lakes.duckdb()) {
      Transaction tx = lake.newTransaction();
      tx.append(
          readings,
          duck,
          "SELECT 'y' AS sensor, TIMESTAMP '2026-01-01 00:00:00' AS ts, 100.0 AS value");
      CommitResult r = tx.commit();
      assertThat(r.snapshot().changesMade()).isEqualTo("inserted_into_table:1");
      assertThat(r.dataFiles().get(0).rowIdStart()).isEqualTo(204);
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT record_count, next_row_id FROM " + Lakes.t(lake, "ducklake_table_stats")))
          .containsExactly(List.of("205", "205"));
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT min_value, max_value FROM "
                      + Lakes.t(lake, "ducklake_table_column_stats")
                      + " ORDER BY column_id"))
          .containsExactly(
              List.of("a", "z"),
              List.of("2025-03-01 00:00:00", "2026-01-01 00:00:00"),
              List.of("-1.0", "100.0"));

      Transaction delete = lake.newTransaction();
      assertThatThrownBy(() -> delete.deleteWhere(readings, duck, "sensor = 's1'"))
          .isInstanceOf(DuckLakeException.class)
          .hasMessageContaining("main.readings")
          .hasMessageContaining("inlined");
      delete.close();
      Lakes.assertVerified(lake);
    }
  }

  @Test
  void deletesAndSchemaChangesApplyToALakeWrittenByTheExtension() throws Exception {
    Path lakeDir = copy("02-deletes-updates");
    TableName events = TableName.of("events");
    try (DuckLake lake =
            DuckLake.open(
                CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake")),
                lakeDir.resolve("data"));
        Connection duck = Lakes.duckdb()) {
      String rel = Lakes.relation(lake, events);
      long before = Long.parseLong(Lakes.query(duck, "SELECT count(*) FROM " + rel).get(0).get(0));
      long purchases =
          Long.parseLong(
              Lakes.query(duck, "SELECT count(*) FROM " + rel + " WHERE event_type = 'purchase'")
                  .get(0)
                  .get(0));
      // the data file already has an extension-style delete file (with snapshot ids)
      Transaction tx = lake.newTransaction();
      assertThat(tx.deleteWhere(events, duck, "event_type = 'purchase'")).isEqualTo(purchases);
      tx.commit();
      lake.newTransaction()
          .addColumn(
              events,
              ColumnDefinition.of("source", LakeType.primitive("varchar")).withDefault("old"))
          .commit();
      assertThat(
              Lakes.query(
                  duck,
                  "SELECT count(*), count(*) FILTER (WHERE source = 'old'), count(*) FILTER (WHERE"
                      + " event_type = 'purchase') FROM "
                      + Lakes.relation(lake, events)))
          .containsExactly(
              List.of(Long.toString(before - purchases), Long.toString(before - purchases), "0"));
      Lakes.assertVerified(lake);
    }
  }
}
