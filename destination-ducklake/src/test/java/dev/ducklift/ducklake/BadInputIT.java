package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.Secret;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputIT {
  @TempDir Path dir;

  private static final List<ColumnDefinition> ONE_COLUMN =
      List.of(ColumnDefinition.of("x", LakeType.primitive("int32")));

  @Test
  void aDataPathThatCannotBeCreatedIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    CatalogLocation catalog = CatalogLocation.duckdb(dir.resolve("catalog.ducklake"));
    assertThatThrownBy(() -> DuckLake.create(catalog, file.resolve("data")))
        .isInstanceOf(DuckLakeException.class)
        .hasMessageContaining("Cannot create the data path")
        .hasMessageContaining(file.resolve("data").toString());
    // the catalog was opened but no lake was created in it
    try (DuckLake lake = DuckLake.openOrCreate(catalog, dir.resolve("data"))) {
      assertThat(lake.currentSnapshot().snapshotId()).isZero();
    }
  }

  @Test
  void anUnreachableCatalogFailsWithAMessageWithoutThePassword() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CatalogLocation catalog =
        CatalogLocation.postgres(
            "jdbc:postgresql://127.0.0.1:" + port + "/lake?connectTimeout=2",
            "lake",
            Secret.of("hunter2"));
    assertThatThrownBy(() -> DuckLake.open(catalog, dir.resolve("data")))
        .isInstanceOf(DuckLakeException.class)
        .hasMessageContaining("Cannot connect to the catalog")
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageNotContaining("hunter2");
    assertThat(catalog.toString()).doesNotContain("hunter2");
  }

  @Test
  void aCatalogOfANewerFormatVersionIsRefusedNamingTheVersion() throws Exception {
    CatalogLocation catalog = CatalogLocation.duckdb(dir.resolve("catalog.ducklake"));
    try (DuckLake lake = DuckLake.create(catalog, dir.resolve("data"));
        Connection c = lake.catalog().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "UPDATE "
              + lake.catalog().table("ducklake_metadata")
              + " SET value = '1.1' WHERE key = 'version'");
    }
    assertThatThrownBy(() -> DuckLake.open(catalog, null))
        .isInstanceOf(DuckLakeException.class)
        .hasMessageContaining("format version 1.1")
        .hasMessageContaining("1.0");
  }

  @Test
  void aCatalogWithoutALakeIsNotOpened() {
    CatalogLocation catalog = CatalogLocation.duckdb(dir.resolve("empty.duckdb"));
    assertThatThrownBy(() -> DuckLake.open(catalog, null))
        .isInstanceOf(DuckLakeException.class)
        .hasMessageContaining("holds no DuckLake");
  }

  @Test
  void hostileSchemaAndTableNamesStayInsideTheDataPath() throws Exception {
    Path data = dir.resolve("lake").resolve("data");
    List<String> names =
        List.of("../x", "../../escape", "a\"b", "it's", "with space", "/abs", "..");
    try (DuckLake lake = DuckLake.create(CatalogLocation.duckdb(dir.resolve("c.ducklake")), data);
        Connection duck = Lakes.duckdb()) {
      lake.newTransaction().createSchema("../s").commit();
      for (String name : names) {
        for (String schema : List.of("main", "../s")) {
          TableName t = TableName.of(schema, name);
          Transaction tx = lake.newTransaction().createTable(t, ONE_COLUMN);
          tx.append(t, duck, "SELECT 1 AS x");
          tx.commit();
          Transaction d = lake.newTransaction();
          assertThat(d.deleteWhere(t, duck, "x = 1")).isEqualTo(1);
          d.commit();
        }
      }
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT count(*) FROM "
                      + lake.catalog().table("ducklake_table")
                      + " WHERE end_snapshot IS NULL"))
          .containsExactly(List.of(Integer.toString(names.size() * 2)));
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT changes_made FROM "
                      + lake.catalog().table("ducklake_snapshot_changes")
                      + " WHERE changes_made LIKE 'created_table:\"main\".\"a\"\"b\"%'"))
          .containsExactly(List.of("created_table:\"main\".\"a\"\"b\",inserted_into_table:6"));
      Lakes.assertVerified(lake);
    }
    try (Stream<Path> all = Files.walk(dir)) {
      List<Path> parquet = all.filter(p -> p.toString().endsWith(".parquet")).toList();
      assertThat(parquet).hasSize(names.size() * 2);
      assertThat(parquet).allMatch(p -> p.normalize().startsWith(data));
    }
  }

  @Test
  void unsupportedTypesAndMismatchedRowsAreRefused() throws Exception {
    assertThatThrownBy(() -> LakeType.primitive("variant"))
        .isInstanceOf(DuckLakeException.class)
        .hasMessageContaining("variant");
    assertThatThrownBy(() -> LakeType.primitive("decimal(40,2)"))
        .isInstanceOf(DuckLakeException.class);
    TableName t = TableName.of("t");
    try (DuckLake lake =
            DuckLake.create(
                CatalogLocation.duckdb(dir.resolve("c.ducklake")), dir.resolve("data"));
        Connection duck = Lakes.duckdb()) {
      lake.newTransaction().createTable(t, ONE_COLUMN).commit();
      Transaction tx = lake.newTransaction();
      assertThatThrownBy(() -> tx.append(t, duck, "SELECT 1 AS x, 2 AS y"))
          .isInstanceOf(DuckLakeException.class)
          .hasMessageContaining("column y");
      assertThatThrownBy(() -> tx.append(t, duck, "SELECT 'not a number' AS x"))
          .isInstanceOf(DuckLakeException.class)
          .hasMessageContaining("main.t");
      assertThatThrownBy(() -> tx.append(TableName.of("missing"), duck, "SELECT 1 AS x"))
          .isInstanceOf(DuckLakeException.class)
          .hasMessageContaining("main.missing does not exist");
      assertThatThrownBy(() -> tx.promoteColumn(t, "x", LakeType.primitive("varchar")))
          .isInstanceOf(DuckLakeException.class)
          .hasMessageContaining("int32 to varchar");
      assertThat(tx.commit()).isNull();
      assertThat(lake.currentSnapshot().snapshotId()).isEqualTo(1);
    }
  }

  @Test
  void oneCatalogFileCanBeOpenedSeveralTimesInOneProcess() throws Exception {
    CatalogLocation catalog = CatalogLocation.duckdb(dir.resolve("c.ducklake"));
    TableName t = TableName.of("t");
    try (DuckLake first = DuckLake.create(catalog, dir.resolve("data"))) {
      try (DuckLake second = DuckLake.open(catalog, null);
          DuckLake reader = DuckLake.openReadOnly(catalog, null)) {
        second.newTransaction().createTable(t, ONE_COLUMN).commit();
        assertThat(reader.currentSnapshot().snapshotId()).isEqualTo(1);
      }
      Transaction tx = first.newTransaction();
      tx.append(t, "SELECT 2 AS x");
      assertThat(tx.commit().snapshotId()).isEqualTo(2);
    }
    try (DuckLake readOnly = DuckLake.openReadOnly(catalog, null)) {
      // an idle read-only lake does not hold the file: a writer of this process opens it
      try (DuckLake writer = DuckLake.open(catalog, null)) {
        assertThat(writer.currentSnapshot().snapshotId()).isEqualTo(2);
      }
      // while a read-only connection uses it, the file is attached read-only
      try (Connection reading = readOnly.catalog().connect()) {
        assertThatThrownBy(() -> DuckLake.open(catalog, null))
            .isInstanceOf(DuckLakeException.class)
            .hasMessageContaining("open read-only");
      }
      assertThat(readOnly.currentSnapshot().snapshotId()).isEqualTo(2);
    }
  }

  @Test
  void aLakeThatRequiresCommitMessagesRefusesCommitsWithout() throws Exception {
    CatalogLocation catalog = CatalogLocation.duckdb(dir.resolve("c.ducklake"));
    try (DuckLake lake = DuckLake.create(catalog, dir.resolve("data"));
        Connection c = lake.catalog().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + lake.catalog().table("ducklake_metadata")
              + " VALUES ('require_commit_message', 'true', NULL, NULL)");
    }
    try (DuckLake lake = DuckLake.open(catalog, null)) {
      Transaction tx = lake.newTransaction().createTable(TableName.of("t"), ONE_COLUMN);
      assertThatThrownBy(tx::commit)
          .isInstanceOf(DuckLakeException.class)
          .hasMessageContaining("requires a commit message");
      assertThat(tx.commitInfo(null, "create t", null).commit().snapshotId()).isEqualTo(1);
    }
  }
}
