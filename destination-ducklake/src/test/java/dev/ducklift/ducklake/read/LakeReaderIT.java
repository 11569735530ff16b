package dev.ducklift.ducklake.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ducklift.core.DuckliftException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Catalog listing, snapshot resolution and change feeds on lakes written by the extension. */
class LakeReaderIT {
  @TempDir static Path temp;

  @BeforeAll
  static void fixturesPresent() {
    assumeTrue(LakeFixtures.root().isPresent(), "shared/ducklake/fixtures is absent");
  }

  private static LakeFixtures.OpenLake open(String name) {
    Path lake = temp.resolve(name);
    if (!lake.toFile().exists()) {
      LakeFixtures.copy(name, temp);
    }
    return LakeFixtures.open(lake, true);
  }

  @Test
  void resolvesSnapshotsByIdByTimeAndLatest() {
    try (var lake = open("06-compaction")) {
      LakeReader reader = lake.reader();
      List<Snapshot> all = reader.snapshots();
      assertThat(all).extracting(Snapshot::id).containsExactly(0L, 1L, 3L, 4L, 5L, 6L, 7L, 8L);
      assertThat(reader.latestSnapshot().id()).isEqualTo(8);
      assertThat(reader.snapshot(4).changesMade()).isEqualTo("inserted_into_table:1");
      assertThat(reader.snapshotAt(all.get(3).time()).id()).isEqualTo(4);
      assertThat(reader.snapshotAt(all.get(3).time().plusNanos(1000)).id()).isEqualTo(4);
      assertThat(reader.snapshotAt(all.get(7).time().plusSeconds(3600)).id()).isEqualTo(8);
      assertThatThrownBy(() -> reader.snapshot(2))
          .isInstanceOf(DuckliftException.class)
          .hasMessageContaining("Snapshot 2");
      assertThatThrownBy(() -> reader.snapshotAt(all.get(0).time().minusSeconds(1)))
          .isInstanceOf(DuckliftException.class);
    }
  }

  @Test
  void listsSchemasTablesAndRenamesAtEachSnapshot() {
    try (var lake = open("08-catalog-ops")) {
      LakeReader reader = lake.reader();
      assertThat(reader.schemas(0)).extracting(LakeSchema::name).containsExactly("main");
      assertThat(reader.schemas(12)).extracting(LakeSchema::name).containsExactly("main", "raw");
      assertThat(reader.tables(5))
          .extracting(LakeTable::qualifiedName)
          .containsExactly("main.tmp", "raw.users");
      assertThat(reader.tables(12))
          .extracting(LakeTable::qualifiedName)
          .containsExactly("main.tmp", "raw.accounts");
      LakeTable accounts = reader.requireTable(12, "raw", "accounts");
      assertThat(accounts.id()).isEqualTo(reader.requireTable(3, "raw", "users").id());
      assertThat(accounts.directory()).endsWith("/data/raw/users/");
      assertThat(reader.inlinedDataTables(accounts.id()))
          .extracting(InlinedDataTable::schemaVersion)
          .containsExactly(2L, 4L);
      try (LakeSession session = reader.at(5)) {
        assertThat(session.sql("SELECT count(*), min(email) FROM raw.users").rows().get(0))
            .containsExactly(40L, "user0@example.com");
        assertThat(session.sql("SELECT CAST(sum(x) AS BIGINT) FROM main.tmp").scalar())
            .isEqualTo(435L);
      }
      try (LakeSession session = reader.at(9)) {
        assertThat(session.sql("SELECT y, z FROM main.tmp ORDER BY y").rows())
            .containsExactly(List.of("again", 1.0), List.of("and again", 2.0));
      }
    }
  }

  @Test
  void exposesTheLakesViewsOverItsTables() {
    try (var lake = open("08-catalog-ops")) {
      LakeReader reader = lake.reader();
      assertThat(reader.views(9)).isEmpty();
      assertThat(reader.views(12))
          .extracting(LakeView::qualifiedName)
          .containsExactly("raw.active_accounts");
      try (LakeSession session = reader.at(12)) {
        Object even = session.sql("SELECT count(*) FROM raw.accounts WHERE id % 2 = 0").scalar();
        assertThat(session.sql("SELECT count(*) FROM raw.active_accounts").scalar())
            .isEqualTo(even)
            .isEqualTo(20L);
      }
    }
  }

  @Test
  void buildsNestedColumnTreesWithDuckDbTypes() {
    try (var lake = open("05-nested")) {
      LakeTable orders = lake.reader().requireTable(3, "main", "orders");
      Map<String, String> types =
          orders.columns().stream()
              .collect(Collectors.toMap(LakeColumn::name, LakeColumn::duckdbType));
      assertThat(types)
          .containsEntry("customer", "STRUCT(\"id\" INTEGER, \"email\" VARCHAR)")
          .containsEntry("tags", "VARCHAR[]")
          .containsEntry(
              "lines", "STRUCT(\"sku\" VARCHAR, \"qty\" INTEGER, \"price\" DECIMAL(10,2))[]")
          .containsEntry("attrs", "MAP(VARCHAR, VARCHAR)")
          .containsEntry("shipping", "STRUCT(\"address\" VARCHAR, \"stops\" INTEGER[])");
    }
  }

  @Test
  void listsLiveFilesWithTheirVisibleDeleteFile() {
    try (var lake = open("02-deletes-updates")) {
      LakeReader reader = lake.reader();
      LakeTable events = reader.requireTable(7, "main", "events");
      List<DataFile> atThree = reader.dataFiles(events, 3);
      assertThat(atThree).extracting(DataFile::recordCount).containsExactly(3000L, 500L);
      assertThat(atThree).allSatisfy(f -> assertThat(f.deleteFile()).isNull());
      List<DataFile> atSeven = reader.dataFiles(events, 7);
      assertThat(atSeven).extracting(DataFile::recordCount).containsExactly(3000L, 120L);
      DeleteFile delete = atSeven.get(0).deleteFile();
      assertThat(delete.deleteCount()).isEqualTo(300);
      assertThat(delete.partialMax()).isEqualTo(6L);
      assertThat(Path.of(delete.path())).exists();
    }
  }

  @Test
  void listsInlinedDeletesVisibleAtASnapshot() {
    try (var lake = open("03-inlined")) {
      LakeReader reader = lake.reader();
      assertThat(reader.inlinedDeletes(1, 5)).isEmpty();
      assertThat(reader.inlinedDeletes(1, 6))
          .extracting(InlinedDelete::position)
          .containsExactly(3L, 13L, 23L, 33L, 43L, 53L, 63L, 73L);
    }
  }

  @Test
  void listsInlinedRowsVisibleAtASnapshot() {
    try (var lake = open("03-inlined")) {
      LakeReader reader = lake.reader();
      LakeTable readings = reader.requireTable(7, "main", "readings");
      QueryResult atThree = reader.inlinedRows(readings, 3);
      assertThat(atThree.columns()).containsExactly("sensor", "ts", "value", "rowid");
      assertThat(atThree.rows()).extracting(r -> r.get(0)).containsExactly("a", "b", "c");
      assertThat(reader.inlinedRows(readings, 7).rows())
          .extracting(r -> r.get(0) + "@" + r.get(3))
          .containsExactly("a@0", "c@2", "z@203");
      assertThat(reader.inlinedRows(readings, 1).rows()).isEmpty();
    }
  }

  @Test
  void reportsInsertsAndDeletesBetweenSnapshots() {
    try (var lake = open("03-inlined")) {
      QueryResult changes = lake.reader().tableChanges("main", "readings", 2, 4);
      assertThat(changes.columns())
          .containsExactly("snapshot_id", "rowid", "change_type", "sensor", "ts", "value");
      assertThat(changes.rows())
          .extracting(r -> r.get(0) + " " + r.get(2) + " " + r.get(3))
          .containsExactly("2 insert a", "2 insert b", "3 insert c", "4 delete b");
      assertThat(lake.reader().tableChanges("main", "readings", 2, 2).rows())
          .extracting(r -> r.get(0) + " " + r.get(2) + " " + r.get(3))
          .as("the start snapshot is included, as in ducklake_table_changes")
          .containsExactly("2 insert a", "2 insert b");
    }
    try (var lake = open("02-deletes-updates")) {
      LakeReader reader = lake.reader();
      long updated;
      try (LakeSession before = reader.at(5)) {
        updated =
            (Long)
                before
                    .sql(
                        "SELECT count(*) FROM main.events WHERE event_type = 'user_login'"
                            + " AND event_timestamp >= TIMESTAMPTZ '2025-01-01 00:40:00+00'")
                    .scalar();
      }
      QueryResult changes = reader.tableChanges("main", "events", 6, 6);
      List<List<Object>> inserts =
          changes.rows().stream().filter(r -> r.get(2).equals("insert")).toList();
      List<List<Object>> deletes =
          changes.rows().stream().filter(r -> r.get(2).equals("delete")).toList();
      assertThat(updated).isPositive();
      assertThat(inserts)
          .hasSize((int) updated)
          .allSatisfy(r -> assertThat(r.get(4)).isEqualTo("login"));
      assertThat(deletes)
          .hasSize((int) updated)
          .allSatisfy(r -> assertThat(r.get(4)).isEqualTo("user_login"));
      assertThat(inserts.stream().map(r -> r.get(1)).toList())
          .containsExactlyInAnyOrderElementsOf(deletes.stream().map(r -> r.get(1)).toList());
    }
  }

  @Test
  void refusesACatalogOfAnUnknownVersion() throws Exception {
    Path lake = LakeFixtures.copy("01-types", temp.resolve("newer"));
    try (Connection c = LakeFixtures.openCatalog(lake, false);
        Statement st = c.createStatement()) {
      st.execute("UPDATE ducklake_metadata SET value = '9.9' WHERE key = 'version'");
    }
    try (Connection c = LakeFixtures.openCatalog(lake, true)) {
      assertThatThrownBy(() -> LakeReader.open(c))
          .isInstanceOf(DuckliftException.class)
          .hasMessageContaining("'9.9'");
    }
  }

  @Test
  void refusesToReadTheFilesOfAnEncryptedLake() throws Exception {
    Path lake = LakeFixtures.copy("07-partitioned", temp.resolve("encrypted"));
    try (Connection c = LakeFixtures.openCatalog(lake, false);
        Statement st = c.createStatement()) {
      st.execute("UPDATE ducklake_metadata SET value = 'true' WHERE key = 'encrypted'");
    }
    try (var open = LakeFixtures.open(lake, true)) {
      assertThat(open.reader().encrypted()).isTrue();
      assertThat(open.reader().tables(5)).hasSize(1);
      try (LakeSession session = open.reader().at(5)) {
        assertThat(session.unreadableTables()).containsOnlyKeys("main.sales");
        assertThatThrownBy(() -> session.sql("SELECT count(*) FROM main.sales"))
            .isInstanceOf(DuckliftException.class)
            .hasMessageContaining("main.sales")
            .hasMessageContaining("encrypted");
      }
    }
  }

  @Test
  void aTableWithAMissingFileFailsOnlyWhenQueried() throws Exception {
    Path lake = LakeFixtures.copy("08-catalog-ops", temp.resolve("missing"));
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(lake.resolve("data/raw"))) {
      for (Path p : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
    try (var open = LakeFixtures.open(lake, true);
        LakeSession session = open.reader().at(12)) {
      assertThat(session.unreadableTables()).containsOnlyKeys("raw.accounts");
      assertThat(session.sql("SELECT count(*) FROM main.tmp").scalar()).isEqualTo(2L);
      assertThatThrownBy(() -> session.sql("SELECT * FROM raw.accounts"))
          .isInstanceOf(DuckliftException.class)
          .hasMessageContaining("raw.accounts cannot be read at snapshot 12");
    }
  }

  @Test
  void queriesTheLatestSnapshotAndTravelsInTime() {
    try (var lake = open("04-schema-evolution")) {
      LakeReader reader = lake.reader();
      assertThat(reader.sql("SELECT count(*), max(id) FROM main.customers").rows().get(0))
          .containsExactly(180L, 5000000019L);
      assertThat(reader.sql("SELECT count(*) FROM customers").scalar())
          .as("tables of the main schema resolve unqualified")
          .isEqualTo(180L);
      try (LakeSession old = reader.at(2)) {
        assertThat(old.sql("SELECT count(*) FROM main.customers WHERE legacy = 'old'").scalar())
            .isEqualTo(100L);
      }
      try (LakeSession at4 = reader.at(4)) {
        assertThat(
                at4.sql("SELECT country, count(*) FROM main.customers GROUP BY 1 ORDER BY 1")
                    .rows())
            .containsExactly(List.of("AT", 100L), List.of("DE", 50L));
      }
    }
  }
}
