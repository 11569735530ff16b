package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.ducklake.catalog.CatalogLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A lake remembers the columns of its tables between transactions (by schema version); writers that
 * change the schema meanwhile — another {@link DuckLake} on the same catalog, as another process
 * would be — must never make a transaction write with columns it should not see.
 */
class ColumnCacheIT {
  private static final TableName T = TableName.of("events");
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

  /** Drops column kind and adds a new one of the same name, in two commits of {@code lake}. */
  private static void dropAndReAddKind(DuckLake lake, String type) {
    lake.newTransaction().dropColumn(T, "kind").commit();
    lake.newTransaction()
        .addColumn(T, ColumnDefinition.of("kind", LakeType.primitive(type)))
        .commit();
  }

  /** Creates the table with columns id and kind and appends one row, so that columns are known. */
  private static void createAndAppend(DuckLake lake, Connection duck) {
    lake.newTransaction()
        .createTable(
            T,
            List.of(
                ColumnDefinition.of("id", LakeType.primitive("int64")),
                ColumnDefinition.of("kind", LakeType.primitive("varchar"))))
        .commit();
    Transaction tx = lake.newTransaction();
    tx.append(T, duck, "SELECT 1 AS id, 'a' AS kind");
    tx.commit();
  }

  private static DuckLake second(CatalogLocation catalog, Path dir) {
    return DuckLake.open(catalog, dir.resolve("data"));
  }

  /** The Parquet field id of each top-level column of a file, as name=id. */
  private static List<String> fieldIds(Connection duck, String file) {
    return Lakes.query(
            duck,
            "SELECT name, field_id FROM parquet_schema('"
                + file.replace("'", "''")
                + "') WHERE field_id IS NOT NULL ORDER BY field_id")
        .stream()
        .map(r -> r.get(0) + "=" + r.get(1))
        .toList();
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void aColumnAddedByAnotherWriterIsSeenByTheNextTransaction(Lakes.Kind kind) throws Exception {
    CatalogLocation catalog = Lakes.catalog(kind, dir, pg);
    try (DuckLake first = DuckLake.create(catalog, dir.resolve("data"));
        DuckLake other = second(catalog, dir);
        Connection duck = Lakes.duckdb()) {
      createAndAppend(first, duck);
      other
          .newTransaction()
          .addColumn(T, ColumnDefinition.of("note", LakeType.primitive("varchar")))
          .commit();

      Transaction tx = first.newTransaction();
      tx.append(T, duck, "SELECT 2 AS id, 'b' AS kind, 'hello' AS note");
      CommitResult r = tx.commit();

      assertThat(fieldIds(duck, r.dataFiles().get(0).path()))
          .containsExactly("id=1", "kind=2", "note=3");
      assertThat(Lakes.query(duck, "SELECT * FROM " + Lakes.relation(first, T) + " ORDER BY id"))
          .containsExactly(Arrays.asList("1", "a", null), Arrays.asList("2", "b", "hello"));
      Lakes.assertVerified(first);
    }
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void aColumnDroppedAndAddedAgainByAnotherWriterIsWrittenUnderItsNewId(Lakes.Kind kind)
      throws Exception {
    CatalogLocation catalog = Lakes.catalog(kind, dir, pg);
    try (DuckLake first = DuckLake.create(catalog, dir.resolve("data"));
        DuckLake other = second(catalog, dir);
        Connection duck = Lakes.duckdb()) {
      createAndAppend(first, duck);
      // same name, new column: ids 1 (id) and 2 (old kind) are taken, so the new kind is 3
      dropAndReAddKind(other, "int32");

      Transaction tx = first.newTransaction();
      tx.append(T, duck, "SELECT 2 AS id, 7 AS kind");
      CommitResult r = tx.commit();

      assertThat(fieldIds(duck, r.dataFiles().get(0).path())).containsExactly("id=1", "kind=3");
      // the row written before reads NULL for the new column, not its old text
      assertThat(Lakes.query(duck, "SELECT * FROM " + Lakes.relation(first, T) + " ORDER BY id"))
          .containsExactly(Arrays.asList("1", null), Arrays.asList("2", "7"));
      Lakes.assertVerified(first);
    }
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void aTransactionBasedBeforeAnotherWritersSchemaChangeFailsWithoutWriting(Lakes.Kind kind)
      throws Exception {
    CatalogLocation catalog = Lakes.catalog(kind, dir, pg);
    try (DuckLake first = DuckLake.create(catalog, dir.resolve("data"));
        DuckLake other = second(catalog, dir);
        Connection duck = Lakes.duckdb()) {
      createAndAppend(first, duck);
      Transaction stale = first.newTransaction();
      stale.append(T, duck, "SELECT 2 AS id, 'b' AS kind");
      dropAndReAddKind(other, "varchar");
      long snapshotsBefore = first.currentSnapshot().snapshotId();

      assertThatThrownBy(stale::commit).isInstanceOf(LogicalConflictException.class);

      assertThat(first.currentSnapshot().snapshotId()).isEqualTo(snapshotsBefore);
      try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
        // the first append's file only: the stale transaction's file was removed
        assertThat(files.filter(p -> p.toString().endsWith(".parquet")).count()).isEqualTo(1);
      }
      Transaction fresh = first.newTransaction();
      fresh.append(T, duck, "SELECT 3 AS id, 'c' AS kind");
      CommitResult r = fresh.commit();
      assertThat(fieldIds(duck, r.dataFiles().get(0).path())).containsExactly("id=1", "kind=3");
      assertThat(Lakes.query(duck, "SELECT * FROM " + Lakes.relation(first, T) + " ORDER BY id"))
          .containsExactly(Arrays.asList("1", null), Arrays.asList("3", "c"));
      Lakes.assertVerified(first);
    }
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void aColumnAddedAfterTheColumnsWereCachedTakesAnIdAboveEveryDroppedOne(Lakes.Kind kind)
      throws Exception {
    try (DuckLake lake = Lakes.create(kind, dir, pg);
        Connection duck = Lakes.duckdb()) {
      createAndAppend(lake, duck);
      lake.newTransaction()
          .addColumn(T, ColumnDefinition.of("tmp", LakeType.primitive("int32")))
          .commit();
      lake.newTransaction().dropColumn(T, "tmp").commit();
      Transaction append = lake.newTransaction();
      append.append(T, duck, "SELECT 2 AS id, 'b' AS kind");
      append.commit();

      // ids 1 and 2 (id, kind) and 3 (the dropped tmp) were used: the new column gets 4
      Transaction tx = lake.newTransaction();
      tx.addColumn(T, ColumnDefinition.of("score", LakeType.primitive("float64")));
      tx.append(T, duck, "SELECT 3 AS id, 'c' AS kind, 1.5 AS score");
      CommitResult r = tx.commit();

      assertThat(fieldIds(duck, r.dataFiles().get(0).path()))
          .containsExactly("id=1", "kind=2", "score=4");
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT column_id FROM "
                      + Lakes.t(lake, "ducklake_column")
                      + " WHERE column_name = 'score'"))
          .containsExactly(List.of("4"));
      Lakes.assertVerified(lake);
    }
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void aRenameThroughTheSameLakeIsSeenByItsNextTransaction(Lakes.Kind kind) throws Exception {
    try (DuckLake lake = Lakes.create(kind, dir, pg);
        Connection duck = Lakes.duckdb()) {
      createAndAppend(lake, duck);
      lake.newTransaction().renameColumn(T, "kind", "category").commit();

      Transaction tx = lake.newTransaction();
      assertThatThrownBy(() -> tx.append(T, duck, "SELECT 2 AS id, 'b' AS kind"))
          .isInstanceOf(DuckLakeException.class)
          .hasMessageContaining("column kind the table does not have");
      tx.append(T, duck, "SELECT 2 AS id, 'b' AS category");
      CommitResult r = tx.commit();

      assertThat(fieldIds(duck, r.dataFiles().get(0).path())).containsExactly("id=1", "category=2");
      Lakes.assertVerified(lake);
    }
  }
}
