package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the columns of appended rows are matched to the table's: by exact name, all or some. */
class AppendColumnsIT {
  private static final TableName T = TableName.of("items");

  @TempDir Path dir;
  private DuckLake lake;
  private Connection duck;

  @BeforeEach
  void createLake() {
    lake = DuckLake.create(Lakes.catalog(Lakes.Kind.DUCKDB, dir, null), dir.resolve("data"));
    duck = Lakes.duckdb();
    lake.newTransaction()
        .createTable(
            T,
            List.of(
                ColumnDefinition.of("id", LakeType.primitive("int64")),
                ColumnDefinition.of("kind", LakeType.primitive("varchar")),
                ColumnDefinition.of("amount", LakeType.primitive("decimal(18,2)"))))
        .commit();
  }

  @AfterEach
  void close() throws Exception {
    duck.close();
    lake.close();
  }

  private List<List<String>> rows() {
    return Lakes.query(duck, "SELECT * FROM " + Lakes.relation(lake, T) + " ORDER BY id");
  }

  private long parquetFiles() throws Exception {
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  private void assertRefused(String query, String message) throws Exception {
    Transaction tx = lake.newTransaction();
    assertThatThrownBy(() -> tx.append(T, duck, query))
        .isInstanceOf(DuckLakeException.class)
        .hasMessageContaining(message);
    tx.close();
    assertThat(parquetFiles()).isZero();
  }

  @Test
  void rowsWithTheTableColumnsInAnotherOrderAreWrittenByName() {
    Transaction tx = lake.newTransaction();
    tx.append(T, duck, "SELECT 2.5 AS amount, 'a' AS kind, 1 AS id");
    tx.commit();

    assertThat(rows()).containsExactly(List.of("1", "a", "2.50"));
  }

  @Test
  void tableColumnsTheRowsLackGetTheirDefaultOrNull() {
    lake.newTransaction()
        .addColumn(
            T, ColumnDefinition.of("country", LakeType.primitive("varchar")).withDefault("AT"))
        .commit();
    Transaction tx = lake.newTransaction();
    tx.append(T, duck, "SELECT 1 AS id");
    tx.commit();

    assertThat(rows()).containsExactly(Arrays.asList("1", null, null, "AT"));
  }

  @Test
  void aColumnTheTableDoesNotHaveIsRefusedWithoutWritingAFile() throws Exception {
    assertRefused(
        "SELECT 1 AS id, 'a' AS kind, 2.5 AS amount, 'x' AS colour",
        "the rows have a column colour the table does not have");
  }

  @Test
  void aColumnNamedInAnotherCaseIsNotTakenForTheTableColumn() throws Exception {
    assertRefused(
        "SELECT 1 AS \"ID\", 'a' AS kind, 2.5 AS amount",
        "the rows have a column ID the table does not have");
  }

  @Test
  void rowsWithAColumnTwiceAreRefused() throws Exception {
    assertRefused("SELECT 1 AS id, 2 AS id, 'a' AS kind, 2.5 AS amount", "the table does not have");
  }

  @Test
  void aQueryThatDoesNotBindNamesItsError() throws Exception {
    assertRefused(
        "SELECT nope FROM range(2)", "Cannot read the rows to append to table main.items");
  }

  @Test
  void aValueThatDoesNotCastFailsTheWrite() throws Exception {
    Transaction tx = lake.newTransaction();
    assertThatThrownBy(
            () ->
                tx.append(
                    T, duck, "SELECT 'x' || i AS id, 'a' AS kind, 1 AS amount FROM range(3) r(i)"))
        .isInstanceOf(DuckLakeException.class)
        .hasMessageContaining("Cannot write Parquet data for table main.items")
        .hasMessageContaining("x0");
    tx.close();
  }

  @Test
  void aWideTableMatchesColumnsTheSameWay() throws Exception {
    TableName wide = TableName.of("wide");
    List<ColumnDefinition> columns = new java.util.ArrayList<>();
    StringBuilder reversed = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      columns.add(ColumnDefinition.of("c" + i, LakeType.primitive("int32")));
      reversed.insert(0, i + " AS c" + i + (i > 0 ? ", " : ""));
    }
    lake.newTransaction().createTable(wide, columns).commit();
    Transaction tx = lake.newTransaction();
    tx.append(wide, duck, "SELECT " + reversed);
    tx.commit();

    List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      expected.add(Integer.toString(i));
    }
    assertThat(Lakes.query(duck, "SELECT * FROM " + Lakes.relation(lake, wide)))
        .containsExactly(expected);
    Transaction extra = lake.newTransaction();
    assertThatThrownBy(() -> extra.append(wide, duck, "SELECT " + reversed + ", 1 AS c40"))
        .isInstanceOf(DuckLakeException.class)
        .hasMessageContaining("the rows have a column c40 the table does not have");
    extra.close();
  }

  @Test
  void aTableColumnNamedLikeDuckliftInternalNamesGetsItsRowsAndDefaults() {
    TableName odd = TableName.of("odd");
    lake.newTransaction()
        .createTable(
            odd,
            List.of(
                ColumnDefinition.of("id", LakeType.primitive("int64")),
                ColumnDefinition.of("__ducklift_guard", LakeType.primitive("varchar"))))
        .commit();
    lake.newTransaction()
        .addColumn(
            odd,
            ColumnDefinition.of("__ducklift_src", LakeType.primitive("varchar")).withDefault("d"))
        .commit();
    Transaction tx = lake.newTransaction();
    tx.append(odd, duck, "SELECT 1 AS id, 'g' AS __ducklift_guard");
    tx.append(odd, duck, "SELECT 2 AS id");
    tx.commit();

    assertThat(Lakes.query(duck, "SELECT * FROM " + Lakes.relation(lake, odd) + " ORDER BY id"))
        .containsExactly(List.of("1", "g", "d"), Arrays.asList("2", null, "d"));
  }
}
