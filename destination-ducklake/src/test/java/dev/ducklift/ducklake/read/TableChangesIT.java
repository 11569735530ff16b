package dev.ducklift.ducklake.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.schema.DataType;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.Transaction;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change feeds over snapshot ranges of a lake written with known inserts and deletes per snapshot;
 * both ends of a range are included, as in the extension's {@code ducklake_table_changes}.
 */
class TableChangesIT {
  @TempDir static Path temp;

  private static final TableName ITEMS = TableName.of("main", "items");
  private static final TableName OTHER = TableName.of("main", "other");

  private static DuckLake lake;
  private static LakeReader reader;
  private static long created;

  /** Per snapshot of the lake: the ids it inserted into and deleted from {@code items}. */
  private static final Map<Long, Expected> expected = new TreeMap<>();

  private record Expected(List<Integer> inserted, List<Integer> deleted) {}

  @BeforeAll
  static void writeLake() throws Exception {
    Files.createDirectories(temp.resolve("lake"));
    lake =
        DuckLake.create(
            CatalogLocation.duckdb(temp.resolve("lake/catalog.ducklake")),
            temp.resolve("lake/data"));
    try (Transaction tx = lake.newTransaction()) {
      tx.createTable(
          ITEMS,
          List.of(
              ColumnDefinition.of("id", LakeType.of(DataType.INTEGER)),
              ColumnDefinition.of("name", LakeType.of(DataType.TEXT))));
      tx.createTable(OTHER, List.of(ColumnDefinition.of("x", LakeType.of(DataType.INTEGER))));
      created = tx.commit().snapshotId();
    }
    expected.put(created, new Expected(List.of(), List.of()));
    append("SELECT i AS id, 'n' || i AS name FROM range(0, 5) r(i)", List.of(0, 1, 2, 3, 4));
    append(
        "SELECT 10 + i AS id, 'n' || (10 + i) AS name FROM range(0, 3) r(i)", List.of(10, 11, 12));
    try (Transaction tx = lake.newTransaction()) {
      tx.append(OTHER, "SELECT 1 AS x");
      expected.put(tx.commit().snapshotId(), new Expected(List.of(), List.of()));
    }
    try (Transaction tx = lake.newTransaction()) {
      assertThat(tx.deleteWhere(ITEMS, "id IN (1, 2)")).isEqualTo(2);
      expected.put(tx.commit().snapshotId(), new Expected(List.of(), List.of(1, 2)));
    }
    append("SELECT 20 AS id, 'n20' AS name", List.of(20));
    try (Transaction tx = lake.newTransaction()) {
      assertThat(tx.deleteWhere(ITEMS, "id IN (10, 20)")).isEqualTo(2);
      expected.put(tx.commit().snapshotId(), new Expected(List.of(), List.of(10, 20)));
    }
    reader = LakeReader.open(lake);
  }

  private static void append(String query, List<Integer> ids) {
    try (Transaction tx = lake.newTransaction()) {
      tx.append(ITEMS, query);
      expected.put(tx.commit().snapshotId(), new Expected(ids, List.of()));
    }
  }

  @AfterAll
  static void close() {
    if (reader != null) {
      reader.close();
    }
    if (lake != null) {
      lake.close();
    }
  }

  private static List<String> changes(long from, long to) {
    QueryResult result = reader.tableChanges("main", "items", from, to);
    assertThat(result.columns())
        .containsExactly("snapshot_id", "rowid", "change_type", "id", "name");
    List<String> out = new ArrayList<>();
    for (List<Object> r : result.rows()) {
      out.add(r.get(0) + " " + r.get(2) + " " + r.get(3) + " " + r.get(4));
    }
    return out;
  }

  private static List<String> expectedChanges(long from, long to) {
    List<String> out = new ArrayList<>();
    expected.forEach(
        (snapshot, e) -> {
          if (snapshot >= from && snapshot <= to) {
            e.deleted().forEach(id -> out.add(snapshot + " delete " + id + " n" + id));
            e.inserted().forEach(id -> out.add(snapshot + " insert " + id + " n" + id));
          }
        });
    return out;
  }

  @Test
  void aSingleSnapshotRangeGivesExactlyThatSnapshotsChanges() {
    for (long s : expected.keySet()) {
      Expected e = expected.get(s);
      List<String> got = changes(s, s);
      assertThat(got)
          .as("snapshot %d", s)
          .containsExactlyInAnyOrderElementsOf(expectedChanges(s, s));
      assertThat(got.stream().filter(c -> c.contains(" insert ")).count())
          .as("inserts of snapshot %d", s)
          .isEqualTo(e.inserted().size());
      assertThat(got.stream().filter(c -> c.contains(" delete ")).count())
          .as("deletes of snapshot %d", s)
          .isEqualTo(e.deleted().size());
    }
  }

  @Test
  void includesTheStartAndTheEndSnapshotOfARange() {
    List<Long> ids = new ArrayList<>(expected.keySet());
    long firstAppend = ids.get(1);
    long last = ids.get(ids.size() - 1);
    List<String> got = changes(firstAppend, last);
    assertThat(got).containsExactlyInAnyOrderElementsOf(expectedChanges(firstAppend, last));
    assertThat(got).anyMatch(c -> c.startsWith(firstAppend + " insert 0 "));
    assertThat(got).anyMatch(c -> c.startsWith(last + " delete 20 "));
    assertThat(changes(created, last)).containsExactlyInAnyOrderElementsOf(got);
  }

  @Test
  void aRangeIsTheUnionOfItsSingleSnapshotRanges() {
    List<Long> ids = new ArrayList<>(expected.keySet());
    List<List<String>> singles = new ArrayList<>();
    for (long s : ids) {
      singles.add(changes(s, s));
    }
    for (int i = 0; i < ids.size(); i++) {
      for (int j = i; j < ids.size(); j++) {
        List<String> union = new ArrayList<>();
        for (int k = i; k <= j; k++) {
          union.addAll(singles.get(k));
        }
        assertThat(changes(ids.get(i), ids.get(j)))
            .as("[%d, %d]", ids.get(i), ids.get(j))
            .containsExactlyInAnyOrderElementsOf(union);
      }
    }
  }

  @Test
  void reportsRowIdsOfDeletedRowsAsTheyWereInserted() {
    List<Long> ids = new ArrayList<>(expected.keySet());
    QueryResult all = reader.tableChanges("main", "items", ids.get(0), ids.get(ids.size() - 1));
    Map<Object, Object> insertedRowIdById = new TreeMap<>();
    Map<Object, Object> deletedRowIdById = new TreeMap<>();
    for (List<Object> r : all.rows()) {
      (r.get(2).equals("insert") ? insertedRowIdById : deletedRowIdById).put(r.get(3), r.get(1));
    }
    assertThat(deletedRowIdById.keySet()).containsExactly(1, 2, 10, 20);
    deletedRowIdById.forEach(
        (id, rowId) ->
            assertThat(rowId).as("row id of %s", id).isEqualTo(insertedRowIdById.get(id)));
    assertThat(all.rows()).extracting(r -> r.get(2)).containsOnly("insert", "delete");
  }
}
