package dev.ducklift.ducklake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.Transaction;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.DataFile;
import dev.ducklift.ducklake.read.LakeFixtures;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.read.LakeTable;
import dev.ducklift.ducklake.read.Snapshot;
import dev.ducklift.ducklake.verify.LakeVerifier;
import dev.ducklift.ducklake.verify.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expire, cleanup and merge keep every remaining snapshot's rows and leave a lake that verifies.
 */
class MaintenanceIT {
  @TempDir Path temp;

  /** table → (row count, order-independent hash of all rows with their row ids), per snapshot. */
  static Map<Long, Map<String, String>> fingerprints(LakeReader reader) {
    Map<Long, Map<String, String>> result = new TreeMap<>();
    for (Snapshot s : reader.snapshots()) {
      result.put(s.id(), fingerprint(reader, s.id()));
    }
    return result;
  }

  static Map<String, String> fingerprint(LakeReader reader, long snapshot) {
    Map<String, String> tables = new TreeMap<>();
    try (LakeSession session = reader.at(snapshot)) {
      for (LakeTable t : session.tables()) {
        String scan = session.scanSql(t, snapshot, true);
        Object value =
            session
                .sql(
                    "SELECT count(*) || '/' || COALESCE(CAST(sum(hash(CAST(x AS VARCHAR))::HUGEINT) AS"
                        + " VARCHAR), '-') FROM ("
                        + scan
                        + ") x")
                .scalar();
        tables.put(t.qualifiedName(), String.valueOf(value));
      }
    }
    return tables;
  }

  private static void assertClean(LakeReader reader) {
    VerifyReport report = LakeVerifier.verify(reader);
    assertThat(report.problems()).as(report.toString()).isEmpty();
  }

  @Test
  void expiringAndCleaningUpKeepsEveryRemainingSnapshotOfOfficialLakes() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(LakeFixtures.root().isPresent());
    // PostgresCatalogIT expires every fixture too (and compares with the official results);
    // these are the lakes whose expiry removes the most: ended files, delete files, ended
    // inlined rows, a dropped table.
    for (String name : List.of("02-deletes-updates", "03-inlined", "08-catalog-ops")) {
      Path lake = LakeFixtures.copy(name, temp);
      try (var open = LakeFixtures.open(lake, false)) {
        LakeReader reader = open.reader();
        List<Long> all = reader.snapshots().stream().map(Snapshot::id).toList();
        List<Long> kept = all.subList(all.size() - 3, all.size());
        Map<Long, Map<String, String>> before = new TreeMap<>();
        for (Long id : kept) {
          before.put(id, fingerprint(reader, id));
        }
        LakeMaintenance maintenance = new LakeMaintenance(reader);
        ExpireResult dry = maintenance.expireKeepingLast(3, true);
        assertThat(reader.snapshots()).as(name).hasSize(all.size());
        ExpireResult expired = maintenance.expireKeepingLast(3, false);
        assertThat(expired.expiredSnapshots()).isEqualTo(dry.expiredSnapshots());
        assertThat(expired.expiredSnapshots())
            .containsExactlyElementsOf(all.subList(0, all.size() - 3));
        assertThat(expired.scheduledFiles()).isEqualTo(dry.scheduledFiles());
        assertThat(reader.snapshots())
            .extracting(Snapshot::id)
            .as(name)
            .containsExactlyElementsOf(kept);
        Map<Long, Map<String, String>> after = fingerprints(reader);
        assertThat(after).as("%s after expiry", name).isEqualTo(before);
        CleanupResult cleanup = maintenance.cleanupOldFiles(null, false);
        assertThat(cleanup.keptFiles()).isEmpty();
        for (String path : cleanup.deletedFiles()) {
          assertThat(Path.of(path)).doesNotExist();
        }
        assertThat(cleanup.deletedFiles()).containsAll(expired.scheduledFiles());
        assertThat(fingerprints(reader)).as(name).isEqualTo(after);
        assertClean(reader);
      }
    }
  }

  @Test
  void expiryRemovesDroppedTablesAndSchedulesTheirFiles() {
    org.junit.jupiter.api.Assumptions.assumeTrue(LakeFixtures.root().isPresent());
    Path lake = LakeFixtures.copy("08-catalog-ops", temp);
    try (var open = LakeFixtures.open(lake, false)) {
      LakeReader reader = open.reader();
      LakeMaintenance maintenance = new LakeMaintenance(reader);
      assertThatThrownBy(() -> maintenance.expireSnapshots(List.of(12L), false))
          .isInstanceOf(DuckliftException.class)
          .hasMessageContaining("latest");
      ExpireResult result = maintenance.expireOlderThan(reader.snapshot(8).time(), false);
      assertThat(result.expiredSnapshots()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
      assertThat(result.removedTables()).containsExactly(3L);
      assertThat(result.scheduledFiles())
          .singleElement()
          .satisfies(p -> assertThat(p).contains("/main/tmp/"));
      List<String> remaining = new ArrayList<>();
      reader.query(
          "SELECT table_name FROM " + reader.catalogTable("ducklake_table") + " ORDER BY 1",
          List.of(),
          rs -> remaining.add(rs.getString(1)));
      assertThat(remaining).containsExactly("accounts", "tmp");
      assertThat(reader.relationExists("ducklake_inlined_data_3_3")).isFalse();
      assertClean(reader);
    }
  }

  private static void append(DuckLake lake, TableName table, String query) {
    try (Transaction tx = lake.newTransaction()) {
      tx.append(table, query);
      tx.commit();
    }
  }

  @Test
  void mergingSmallFilesKeepsEveryTimeTravelResultAndRowIds() {
    Path dir = temp.resolve("merge");
    mergeScenario(CatalogLocation.duckdb(dirFile(dir)), dir.resolve("data"));
  }

  /** Four appends, a merge, expiry and cleanup; every snapshot reads the same throughout. */
  static void mergeScenario(CatalogLocation location, Path data) {
    TableName events = TableName.of("main", "events");
    try (DuckLake lake = DuckLake.create(location, data)) {
      try (Transaction tx = lake.newTransaction()) {
        tx.createTable(
            events,
            List.of(
                ColumnDefinition.of("id", LakeType.of(DataType.BIGINT)),
                ColumnDefinition.of("name", LakeType.of(DataType.TEXT)),
                ColumnDefinition.of("tags", LakeType.of(DataType.list(DataType.TEXT)))));
        tx.commit();
      }
      for (int i = 0; i < 4; i++) {
        append(
            lake,
            events,
            "SELECT i AS id, 'n' || i AS name, ['t' || (i % 3), NULL] AS tags FROM range("
                + (i * 100)
                + ", "
                + (i * 100 + 100)
                + ") r(i)");
      }
      try (LakeReader reader = LakeReader.open(lake)) {
        Map<Long, Map<String, String>> before = fingerprints(reader);
        LakeTable table = reader.requireTable(reader.latestSnapshot().id(), "main", "events");
        assertThat(reader.dataFiles(table, reader.latestSnapshot().id())).hasSize(4);
        MergeResult merged =
            new LakeMaintenance(reader).mergeAdjacentFiles("main", "events", 1 << 20);
        assertThat(merged.merges())
            .singleElement()
            .satisfies(m -> assertThat(m.sourceDataFileIds()).hasSize(4));
        Snapshot snapshot = reader.latestSnapshot();
        assertThat(snapshot.id()).isEqualTo(merged.snapshotId());
        assertThat(snapshot.changesMade()).isEqualTo("merge_adjacent:" + table.id());
        List<DataFile> files = reader.dataFiles(table, snapshot.id());
        assertThat(files)
            .singleElement()
            .satisfies(
                f -> {
                  assertThat(f.recordCount()).isEqualTo(400);
                  assertThat(f.partialMax()).isEqualTo(snapshot.id() - 1);
                  assertThat(f.rowIdStart()).isZero();
                  assertThat(
                          reader
                              .parquetSchema(f.path())
                              .childByName("_ducklake_internal_snapshot_id"))
                      .isNotNull();
                  assertThat(
                          reader.parquetSchema(f.path()).childByName("_ducklake_internal_row_id"))
                      .isNull();
                });
        Map<Long, Map<String, String>> after = fingerprints(reader);
        after.remove(snapshot.id());
        assertThat(after).isEqualTo(before);
        assertThat(fingerprint(reader, snapshot.id())).isEqualTo(before.get(snapshot.id() - 1));
        assertClean(reader);
        LakeMaintenance maintenance = new LakeMaintenance(reader);
        maintenance.expireKeepingLast(1, false);
        CleanupResult cleanup = maintenance.cleanupOldFiles(null, false);
        assertThat(cleanup.deletedFiles()).hasSize(4);
        assertThat(fingerprint(reader, snapshot.id())).isEqualTo(before.get(snapshot.id() - 1));
        assertClean(reader);
      }
    }
  }

  @Test
  void mergingFilesWithGapsInRowIdsEmbedsTheRowIds() throws Exception {
    Path dir = temp.resolve("gaps");
    TableName t = TableName.of("main", "t");
    try (DuckLake lake =
        DuckLake.create(CatalogLocation.duckdb(dirFile(dir)), dir.resolve("data"))) {
      try (Transaction tx = lake.newTransaction()) {
        tx.createTable(
            t,
            List.of(
                ColumnDefinition.of("id", LakeType.of(DataType.BIGINT)),
                ColumnDefinition.of("v", LakeType.of(DataType.DOUBLE))));
        tx.commit();
      }
      for (int i = 0; i < 3; i++) {
        append(
            lake,
            t,
            "SELECT i AS id, i / 4.0 AS v FROM range("
                + (i * 50)
                + ", "
                + (i * 50 + 50)
                + ") r(i)");
      }
      try (Transaction tx = lake.newTransaction()) {
        tx.deleteWhere(t, "\"id\" >= 50 AND \"id\" < 100");
        tx.commit();
      }
      try (LakeReader reader = LakeReader.open(lake)) {
        Map<Long, Map<String, String>> before = fingerprints(reader);
        MergeResult merged = new LakeMaintenance(reader).mergeAdjacentFiles("main", "t", 1 << 20);
        assertThat(merged.merges())
            .singleElement()
            .satisfies(m -> assertThat(m.sourceDataFileIds()).hasSize(2));
        long latest = reader.latestSnapshot().id();
        DataFile file = reader.dataFiles(reader.requireTable(latest, "main", "t"), latest).get(0);
        assertThat(reader.parquetSchema(file.path()).childByName("_ducklake_internal_row_id"))
            .isNotNull();
        Map<Long, Map<String, String>> after = fingerprints(reader);
        after.remove(latest);
        assertThat(after).isEqualTo(before);
        assertThat(fingerprint(reader, latest)).isEqualTo(before.get(latest - 1));
        try (LakeSession session = reader.at(latest)) {
          assertThat(session.sql("SELECT count(*), min(id), max(id) FROM main.t").rows().get(0))
              .containsExactly(100L, 0L, 149L);
        }
        assertClean(reader);
        assertThat(
                new LakeMaintenance(reader).mergeAdjacentFiles("main", "t", 1 << 20).snapshotId())
            .isNull();
      }
    }
  }

  static Path dirFile(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return dir.resolve("catalog.ducklake");
  }
}
