package dev.ducklift.ducklake.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ducklift.ducklake.read.LakeFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each class of defect, planted in a copy of an official lake, is reported by verify. */
class CorruptedLakeIT {
  @TempDir static Path temp;
  private static final AtomicInteger COPIES = new AtomicInteger();

  @BeforeAll
  static void fixturesPresent() {
    assumeTrue(LakeFixtures.root().isPresent(), "shared/ducklake/fixtures is absent");
  }

  /** A fresh copy of a fixture with the given catalog statements applied. */
  private static Path corrupt(String fixture, String... statements) throws Exception {
    Path lake = LakeFixtures.copy(fixture, temp.resolve("c" + COPIES.incrementAndGet()));
    try (Connection c = LakeFixtures.openCatalog(lake, false);
        Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql.replace("$DATA", lake.resolve("data").toString()));
      }
    }
    return lake;
  }

  private static VerifyReport verify(Path lake) {
    try (var open = LakeFixtures.open(lake, true)) {
      return LakeVerifier.verify(open.reader());
    }
  }

  private static String single(Path lake, String sql) throws Exception {
    try (Connection c = LakeFixtures.openCatalog(lake, true);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void reportsAMissingDataFile() throws Exception {
    Path lake = corrupt("02-deletes-updates");
    String name = single(lake, "SELECT path FROM ducklake_data_file WHERE data_file_id = 0");
    Files.delete(lake.resolve("data/main/events").resolve(name));
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.MISSING_FILE))
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).contains("data file 0").contains(name));
  }

  @Test
  void reportsWrongFileAndFooterSizes() throws Exception {
    Path lake =
        corrupt(
            "04-schema-evolution",
            "UPDATE ducklake_data_file SET file_size_bytes = file_size_bytes + 1 WHERE data_file_id = 1",
            "UPDATE ducklake_data_file SET footer_size = footer_size - 1 WHERE data_file_id = 2");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.FILE_SIZE)).hasSize(2);
    assertThat(report.problems(Check.FILE_SIZE).get(0).message()).contains("file_size_bytes");
    assertThat(report.problems(Check.FILE_SIZE).get(1).message()).contains("footer_size");
  }

  @Test
  void reportsInexactRecordAndDeleteCounts() throws Exception {
    Path lake =
        corrupt(
            "02-deletes-updates",
            "UPDATE ducklake_data_file SET record_count = record_count - 1 WHERE data_file_id = 4",
            "UPDATE ducklake_delete_file SET delete_count = delete_count + 1");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.ROW_COUNT))
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).startsWith("record_count 119"))
        .anySatisfy(m -> assertThat(m).startsWith("delete_count 301"));
  }

  @Test
  void reportsASnapshotTaggedDeleteFileWhoseCatalogSpanDiffersFromItsTags() throws Exception {
    // the fixture's second delete on one data file holds positions of snapshots 4, 5 and 6
    Path lake =
        corrupt(
            "02-deletes-updates",
            "UPDATE ducklake_delete_file SET begin_snapshot = 5, partial_max = 5");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.DELETE_FILES))
        .extracting(Problem::message)
        .anySatisfy(
            m ->
                assertThat(m)
                    .isEqualTo(
                        "begin_snapshot 5 but its earliest position is tagged with snapshot 4"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .isEqualTo("partial_max 5 but its latest position is tagged with snapshot 6"));
  }

  @Test
  void reportsATableRecordCountBelowTheStoredRowsAndRowIdsAboveNextRowId() throws Exception {
    Path lake =
        corrupt(
            "03-inlined", "UPDATE ducklake_table_stats SET record_count = 100, next_row_id = 203");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.STATS))
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("record_count 100 is below the 203 rows"));
    assertThat(report.problems(Check.IDS))
        .extracting(Problem::message)
        .anySatisfy(
            m ->
                assertThat(m).contains("next_row_id 203 is not above the largest used row id 203"));
  }

  @Test
  void reportsStatisticsThatDoNotCoverTheData() throws Exception {
    Path lake =
        corrupt(
            "04-schema-evolution",
            "UPDATE ducklake_file_column_stats SET min_value = '50' WHERE data_file_id = 0 AND column_id = 1",
            "UPDATE ducklake_file_column_stats SET null_count = 3 WHERE data_file_id = 1 AND column_id = 2",
            "UPDATE ducklake_table_column_stats SET max_value = '100' WHERE column_id = 3",
            "UPDATE ducklake_file_column_stats SET max_value = 'not a number' WHERE data_file_id = 3 AND column_id = 3");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.STATS))
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("file min_value '50' does not bound"))
        .anySatisfy(m -> assertThat(m).contains("null_count 3"))
        .anySatisfy(m -> assertThat(m).contains("table max_value '100' does not bound"))
        .anySatisfy(m -> assertThat(m).contains("'not a number' cannot be cast"));
  }

  @Test
  void reportsStatisticsOfStructFieldsThatDoNotCoverTheData() throws Exception {
    Path lake =
        corrupt(
            "05-nested",
            "UPDATE ducklake_file_column_stats SET max_value = '20' WHERE data_file_id = 0 AND column_id = 3",
            "UPDATE ducklake_file_column_stats SET null_count = 1 WHERE data_file_id = 1 AND column_id = 16",
            "UPDATE ducklake_table_column_stats SET contains_null = false WHERE column_id = 4");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.STATS))
        .extracting(p -> p.subject() + ": " + p.message())
        .anySatisfy(m -> assertThat(m).contains("column 3: file max_value '20' does not bound"))
        .anySatisfy(m -> assertThat(m).contains("column 16: null_count 1 but 2 NULLs"))
        .anySatisfy(m -> assertThat(m).contains("column 4: Table contains_null is false"));
  }

  @Test
  void reportsTwoDeleteFilesVisibleForOneDataFile() throws Exception {
    Path lake =
        corrupt(
            "02-deletes-updates",
            "INSERT INTO ducklake_delete_file SELECT 6, table_id, begin_snapshot, NULL,"
                + " data_file_id, path,"
                + " path_is_relative, format, delete_count, file_size_bytes, footer_size,"
                + " encryption_key, partial_max FROM ducklake_delete_file WHERE delete_file_id = 5",
            "UPDATE ducklake_snapshot SET next_file_id = 7 WHERE snapshot_id = 7");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.DELETE_FILES))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("data file 0 has delete files 5 and 6"));
  }

  @Test
  void reportsUnsortedAndOutOfRangeDeletePositions() throws Exception {
    Path lake = corrupt("06-compaction");
    Path bad = lake.resolve("data/main/ticks/bad-delete.parquet");
    try (Connection c = LakeFixtures.openCatalog(lake, false);
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT 'x' AS file_path, pos FROM (VALUES (5::BIGINT), (3), (3), (500)) v(pos))"
              + " TO '"
              + bad
              + "' (FORMAT parquet)");
      st.execute(
          "UPDATE ducklake_delete_file SET path = 'bad-delete.parquet', delete_count = 4,"
              + " file_size_bytes = "
              + Files.size(bad)
              + ", footer_size = "
              + LakeVerifier.footerSize(bad));
    }
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.DELETE_POSITIONS))
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("not strictly increasing"))
        .anySatisfy(m -> assertThat(m).contains("1 positions outside"));
    assertThat(report.problems(Check.FILE_SIZE)).isEmpty();
  }

  @Test
  void reportsDataFilesWithoutFieldIds() throws Exception {
    Path lake = corrupt("05-nested");
    String name = single(lake, "SELECT path FROM ducklake_data_file WHERE data_file_id = 1");
    Path original = lake.resolve("data/main/orders").resolve(name);
    Path rewritten = lake.resolve("data/main/orders/no-field-ids.parquet");
    try (Connection c = LakeFixtures.openCatalog(lake, false);
        Statement st = c.createStatement()) {
      st.execute("COPY (SELECT * FROM '" + original + "') TO '" + rewritten + "' (FORMAT parquet)");
      st.execute(
          "UPDATE ducklake_data_file SET path = 'no-field-ids.parquet', file_size_bytes = "
              + Files.size(rewritten)
              + ", footer_size = "
              + LakeVerifier.footerSize(rewritten)
              + " WHERE data_file_id = 1");
    }
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.FIELD_IDS))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("no Parquet field ids"));
  }

  @Test
  void reportsCountersBelowUsedIds() throws Exception {
    Path lake =
        corrupt(
            "02-deletes-updates",
            "UPDATE ducklake_snapshot SET next_file_id = 4, next_catalog_id = 1 WHERE snapshot_id = 7");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.IDS))
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("data_file_id 4 is not below next_file_id 4"))
        .anySatisfy(m -> assertThat(m).contains("delete_file_id 5"))
        .anySatisfy(m -> assertThat(m).contains("table_id 1 is not below next_catalog_id 1"));
  }

  @Test
  void reportsSnapshotsWithoutChangesAndUnknownTokens() throws Exception {
    Path lake =
        corrupt(
            "03-inlined",
            "DELETE FROM ducklake_snapshot_changes WHERE snapshot_id = 3",
            "UPDATE ducklake_snapshot_changes SET changes_made = 'appended_rows:1' WHERE snapshot_id = 5",
            "UPDATE ducklake_snapshot_changes SET changes_made = 'created_table:main.t' WHERE snapshot_id = 6");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.SNAPSHOTS))
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).isEqualTo("snapshot 3"));
    assertThat(report.problems(Check.CHANGES))
        .extracting(Problem::subject, Problem::message)
        .anySatisfy(
            t ->
                assertThat(t.toList())
                    .containsExactly("snapshot 5", "Unknown change token 'appended_rows'"))
        .anySatisfy(t -> assertThat(t.toList().get(0)).isEqualTo("snapshot 6"));
  }

  @Test
  void reportsMissingSchemaVersionBumpsAndRows() throws Exception {
    Path lake =
        corrupt(
            "04-schema-evolution",
            "DELETE FROM ducklake_schema_versions WHERE begin_snapshot = 5",
            "UPDATE ducklake_snapshot SET schema_version = 4 WHERE snapshot_id = 8");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.SCHEMA_VERSIONS))
        .extracting(Problem::subject)
        .contains("snapshot 5", "snapshot 8");
  }

  @Test
  void reportsPathsOutsideTheDataPath() throws Exception {
    Path lake =
        corrupt(
            "01-types",
            "UPDATE ducklake_data_file SET path = '../../../../escaped.parquet' WHERE data_file_id = 2");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.PATHS))
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).contains("data file 2"));
  }

  @Test
  void reportsSharedFilesAndLiveFilesScheduledForDeletion() throws Exception {
    Path lake =
        corrupt(
            "04-schema-evolution",
            "UPDATE ducklake_data_file SET path = (SELECT path FROM ducklake_data_file WHERE"
                + " data_file_id = 0) WHERE data_file_id = 1",
            "INSERT INTO ducklake_files_scheduled_for_deletion SELECT 2, 'main/customers/' || path,"
                + " true, NOW() FROM ducklake_data_file WHERE data_file_id = 2");
    VerifyReport report = verify(lake);
    assertThat(report.problems(Check.PATHS))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).isEqualTo("Uses the same file as data file 0"));
    assertThat(report.problems(Check.SCHEDULED_FILES))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("still used by data file 2"));
  }

  @Test
  void reportsACatalogTableWithExtraColumnsAndAMissingInlinedTable() throws Exception {
    Path layout = corrupt("01-types", "ALTER TABLE ducklake_tag ADD COLUMN extra VARCHAR");
    assertThat(verify(layout).problems(Check.CATALOG_LAYOUT))
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).isEqualTo("catalog table ducklake_tag"));
    Path inlined = corrupt("08-catalog-ops", "DROP TABLE ducklake_inlined_data_4_6");
    assertThat(verify(inlined).problems(Check.INLINED))
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).contains("ducklake_inlined_data_4_6"));
  }
}
