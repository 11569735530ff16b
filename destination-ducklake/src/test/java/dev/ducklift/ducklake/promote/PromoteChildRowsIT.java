package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.Incremental;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.TableRunResult;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child and grandchild rows through every disposition, with and without a key staged twice: the
 * promote skips de-duplication when the staged keys are distinct, so both paths are pinned here.
 */
class PromoteChildRowsIT {
  @TempDir Path dir;

  private CatalogLocation catalog() {
    return CatalogLocation.duckdb(dir.resolve("catalog.ducklake"));
  }

  private RunResult run(Resource resource) {
    try (Pipeline p =
        Pipeline.builder("p1")
            .workingDirectory(dir.resolve("work"))
            .destination(
                DuckLakeDestination.builder()
                    .catalog(catalog())
                    .dataPath(dir.resolve("data"))
                    .build())
            .resource(resource)
            .build()) {
      return p.run();
    }
  }

  private void withLake(Consumer<DuckLake> check) {
    try (DuckLake lake = DuckLake.open(catalog(), dir.resolve("data"))) {
      check.accept(lake);
    }
  }

  /** An order with {@code items} (each a sku with {@code parts} part names). */
  private static Map<String, Object> order(int id, long ts, String tag, int items, int parts) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("ts", ts);
    m.put("tag", tag);
    List<Map<String, Object>> list = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("sku", tag + "-" + id + "-" + i);
      List<String> p = new ArrayList<>();
      for (int j = 0; j < parts; j++) {
        p.add(tag + "-" + id + "-" + i + "-" + j);
      }
      item.put("parts", p);
      list.add(item);
    }
    m.put("items", list);
    return m;
  }

  private static Resource orders(WriteDisposition d, List<Map<String, Object>> records) {
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .writeDisposition(d)
            .incremental(Incremental.on("ts").withLag(1_000_000L))
            .build();
    return Resources.ofRecords(spec, records, 7);
  }

  /** Every (order id, sku, part) of the lake, joined through the row ids. */
  private static List<String> tree(DuckLake lake) {
    return LakeRows.query(
        lake,
        "SELECT o.id, o.tag, i.sku, p.value FROM main.orders o"
            + " LEFT JOIN main.orders__items i ON i._dl_parent_id = o._dl_id"
            + " LEFT JOIN main.orders__items__parts p ON p._dl_parent_id = i._dl_id"
            + " ORDER BY o.id, i._dl_list_idx, p._dl_list_idx");
  }

  /** The rows {@link #tree} yields for the given orders. */
  private static List<String> expectedTree(List<Map<String, Object>> orders) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> o : orders) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> items = (List<Map<String, Object>>) o.get("items");
      String head = o.get("id") + "|" + o.get("tag") + "|";
      if (items.isEmpty()) {
        out.add(head + "null|null");
      }
      for (Map<String, Object> item : items) {
        @SuppressWarnings("unchecked")
        List<String> parts = (List<String>) item.get("parts");
        if (parts.isEmpty()) {
          out.add(head + item.get("sku") + "|null");
        }
        for (String part : parts) {
          out.add(head + item.get("sku") + "|" + part);
        }
      }
    }
    return out;
  }

  @Test
  void insertNewWritesEveryChildAndGrandchildRowOfNewKeysAndNoneOfKeysInTheLake() {
    List<Map<String, Object>> first = new ArrayList<>();
    for (int id = 1; id <= 30; id++) {
      first.add(order(id, id, "a", id % 4, id % 3));
    }
    RunResult r1 = run(orders(WriteDisposition.INSERT_NEW, first));
    assertThat(r1.table("orders").orElseThrow().rowsInserted()).isEqualTo(30);

    List<Map<String, Object>> second = new ArrayList<>();
    for (int id = 21; id <= 45; id++) {
      second.add(order(id, id, "b", id % 4, id % 3));
    }
    TableRunResult t =
        run(orders(WriteDisposition.INSERT_NEW, second)).table("orders").orElseThrow();
    assertThat(t.rowsInserted()).isEqualTo(15);
    assertThat(t.skippedDuplicates()).isEqualTo(10);

    List<Map<String, Object>> expected = new ArrayList<>(first);
    expected.addAll(second.subList(10, second.size()));
    withLake(
        lake -> {
          assertThat(tree(lake)).containsExactlyElementsOf(expectedTree(expected));
          LakeRows.assertVerifies(lake);
        });
  }

  @Test
  void insertNewWritesEveryRowWhenTheScannedLakeFilesHoldNoneOfTheStagedKeys() {
    List<Map<String, Object>> even = new ArrayList<>();
    for (int id = 2; id <= 40; id += 2) {
      even.add(order(id, id, "a", id % 3, 1));
    }
    run(orders(WriteDisposition.INSERT_NEW, even));
    // odd keys inside the lake's key and cursor ranges: nothing prunes, nothing is a duplicate
    List<Map<String, Object>> odd = new ArrayList<>();
    for (int id = 1; id <= 39; id += 2) {
      odd.add(order(id, id, "b", id % 3, 2));
    }
    TableRunResult t = run(orders(WriteDisposition.INSERT_NEW, odd)).table("orders").orElseThrow();
    assertThat(t.rowsInserted()).isEqualTo(20);
    assertThat(t.skippedDuplicates()).isZero();
    assertThat(t.notes()).contains("scanned");

    List<Map<String, Object>> expected = new ArrayList<>();
    for (int id = 1; id <= 40; id++) {
      expected.add(id % 2 == 0 ? order(id, id, "a", id % 3, 1) : order(id, id, "b", id % 3, 2));
    }
    withLake(
        lake -> {
          assertThat(tree(lake)).containsExactlyElementsOf(expectedTree(expected));
          LakeRows.assertVerifies(lake);
        });
  }

  @Test
  void insertNewIntoANewTableKeepsOneVersionOfAKeyStagedTwiceWithOneSetOfChildRows() {
    List<Map<String, Object>> load = new ArrayList<>();
    for (int id = 1; id <= 12; id++) {
      load.add(order(id, id, "a", 2, 2));
    }
    // re-delivered later with a newer cursor and new content of the same shape
    load.add(order(5, 100, "b", 2, 2));
    load.add(order(9, 101, "b", 2, 2));
    TableRunResult t = run(orders(WriteDisposition.INSERT_NEW, load)).table("orders").orElseThrow();
    assertThat(t.rowsInserted()).isEqualTo(12);
    assertThat(t.skippedDuplicates()).isEqualTo(2);

    List<Map<String, Object>> expected = new ArrayList<>();
    for (int id = 1; id <= 12; id++) {
      expected.add(id == 5 || id == 9 ? order(id, 100, "b", 2, 2) : order(id, id, "a", 2, 2));
    }
    withLake(
        lake -> {
          assertThat(tree(lake)).containsExactlyElementsOf(expectedTree(expected));
          LakeRows.assertVerifies(lake);
        });
  }

  @Test
  void mergeReplacesChildAndGrandchildRowsWithTheirParentsWithAndWithoutAKeyStagedTwice() {
    List<Map<String, Object>> first = new ArrayList<>();
    for (int id = 1; id <= 10; id++) {
      first.add(order(id, id, "a", 3, 2));
    }
    run(orders(WriteDisposition.MERGE, first));

    List<Map<String, Object>> second = new ArrayList<>();
    for (int id = 8; id <= 14; id++) {
      second.add(order(id, 20 + id, "b", 1, 3));
    }
    TableRunResult t2 = run(orders(WriteDisposition.MERGE, second)).table("orders").orElseThrow();
    assertThat(t2.rowsReplaced()).isEqualTo(3);
    assertThat(t2.rowsInserted()).isEqualTo(4);

    List<Map<String, Object>> third = new ArrayList<>();
    third.add(order(2, 50, "c", 2, 1));
    third.add(order(12, 51, "c", 2, 1));
    third.add(order(2, 52, "d", 2, 1));
    TableRunResult t3 = run(orders(WriteDisposition.MERGE, third)).table("orders").orElseThrow();
    assertThat(t3.rowsReplaced()).isEqualTo(2);

    Map<Integer, Map<String, Object>> expected = new java.util.TreeMap<>();
    first.forEach(o -> expected.put((Integer) o.get("id"), o));
    second.forEach(o -> expected.put((Integer) o.get("id"), o));
    expected.put(12, order(12, 51, "c", 2, 1));
    expected.put(2, order(2, 52, "d", 2, 1));
    withLake(
        lake -> {
          assertThat(tree(lake))
              .containsExactlyElementsOf(expectedTree(new ArrayList<>(expected.values())));
          LakeRows.assertVerifies(lake);
        });
  }

  @Test
  void appendWritesEveryStagedRowOfEveryTable() {
    List<Map<String, Object>> load = new ArrayList<>();
    for (int id = 1; id <= 9; id++) {
      load.add(order(id, id, "a", id % 3, 2));
    }
    run(orders(WriteDisposition.APPEND, load));
    run(orders(WriteDisposition.APPEND, load.subList(0, 4)));
    long items = 0;
    long parts = 0;
    for (Map<String, Object> o : load) {
      int n = (Integer) o.get("id") % 3;
      items += n;
      parts += 2L * n;
    }
    for (Map<String, Object> o : load.subList(0, 4)) {
      int n = (Integer) o.get("id") % 3;
      items += n;
      parts += 2L * n;
    }
    long wantItems = items;
    long wantParts = parts;
    withLake(
        lake -> {
          assertThat(LakeRows.query(lake, "SELECT count(*) FROM main.orders"))
              .containsExactly("13");
          assertThat(LakeRows.query(lake, "SELECT count(*) FROM main.orders__items"))
              .containsExactly(String.valueOf(wantItems));
          assertThat(LakeRows.query(lake, "SELECT count(*) FROM main.orders__items__parts"))
              .containsExactly(String.valueOf(wantParts));
          LakeRows.assertVerifies(lake);
        });
  }
}
