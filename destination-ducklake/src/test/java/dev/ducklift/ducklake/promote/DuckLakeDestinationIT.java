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
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.SnapshotInfo;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckLakeDestinationIT {
  @TempDir Path dir;

  private CatalogLocation catalog() {
    return CatalogLocation.duckdb(dir.resolve("catalog.ducklake"));
  }

  private DuckLakeDestination destination() {
    return DuckLakeDestination.builder().catalog(catalog()).dataPath(dir.resolve("data")).build();
  }

  private RunResult run(String work, Resource resource) {
    try (Pipeline p =
        Pipeline.builder("p1")
            .workingDirectory(dir.resolve(work))
            .destination(destination())
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

  private static Map<String, Object> event(int id, long ts, String value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("ts", ts);
    m.put("value", value);
    return m;
  }

  private static Resource events(WriteDisposition d, List<Map<String, Object>> records) {
    ResourceSpec spec =
        ResourceSpec.builder("events")
            .primaryKey("id")
            .writeDisposition(d)
            .incremental(Incremental.on("ts").withLag(100L))
            .build();
    return Resources.ofRecords(spec, records, 7);
  }

  @Test
  void insertNewSkipsKeysInTheLakeAndCollapsesDuplicatesToTheLastByCursor() {
    List<Map<String, Object>> first = new ArrayList<>();
    IntStream.rangeClosed(1, 20).forEach(i -> first.add(event(i, i, "a" + i)));
    RunResult r1 = run("w", events(WriteDisposition.INSERT_NEW, first));
    assertThat(r1.table("events").orElseThrow().rowsInserted()).isEqualTo(20);

    List<Map<String, Object>> second = new ArrayList<>();
    IntStream.rangeClosed(15, 30).forEach(i -> second.add(event(i, i, "b" + i)));
    second.add(event(25, 25, "c25"));
    second.add(event(26, 24, "old26"));
    RunResult r2 = run("w", events(WriteDisposition.INSERT_NEW, second));
    TableRunResult t = r2.table("events").orElseThrow();
    assertThat(t.rowsInserted()).isEqualTo(10);
    assertThat(t.skippedDuplicates()).isEqualTo(8);

    Map<Integer, String> expected = new TreeMap<>();
    IntStream.rangeClosed(1, 20).forEach(i -> expected.put(i, "a" + i));
    IntStream.rangeClosed(21, 30).forEach(i -> expected.put(i, "b" + i));
    expected.put(25, "c25");
    List<String> want = new ArrayList<>();
    expected.forEach((k, v) -> want.add(k + "|" + v));
    withLake(
        lake -> {
          assertThat(LakeRows.query(lake, "SELECT id, value FROM main.events ORDER BY id"))
              .containsExactlyElementsOf(want);
          LakeRows.assertVerifies(lake);
          assertThat(
                  LakeRows.query(
                      lake,
                      "SELECT count(*) FROM _ducklift._ducklift_loads WHERE pipeline_name = 'p1'"))
              .containsExactly("2");
          assertThat(LakeRows.query(lake, "SELECT count(*) FROM _ducklift._ducklift_state"))
              .containsExactly("1");
        });
  }

  @Test
  void insertNewFindsExistingKeysByFieldIdAfterTheKeyColumnWasRenamedInTheLake() {
    List<Map<String, Object>> first = new ArrayList<>();
    IntStream.rangeClosed(1, 10).forEach(i -> first.add(event(i, i, "a" + i)));
    run("w", events(WriteDisposition.INSERT_NEW, first));
    // another tool renames the key column: the Parquet files keep the old physical name "id"
    withLake(
        lake ->
            lake.newTransaction()
                .renameColumn(TableName.of("main", "events"), "id", "event_id")
                .commit());

    List<Map<String, Object>> second = new ArrayList<>();
    for (int i = 6; i <= 15; i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("event_id", i);
      m.put("ts", (long) i);
      m.put("value", "b" + i);
      second.add(m);
    }
    ResourceSpec spec =
        ResourceSpec.builder("events")
            .primaryKey("event_id")
            .writeDisposition(WriteDisposition.INSERT_NEW)
            .incremental(Incremental.on("ts").withLag(100L))
            .build();
    TableRunResult t = run("w", Resources.ofRecords(spec, second, 7)).table("events").orElseThrow();
    assertThat(t.rowsInserted()).isEqualTo(5);
    assertThat(t.skippedDuplicates()).isEqualTo(5);

    List<String> want = new ArrayList<>();
    IntStream.rangeClosed(1, 10).forEach(i -> want.add(i + "|a" + i));
    IntStream.rangeClosed(11, 15).forEach(i -> want.add(i + "|b" + i));
    withLake(
        lake -> {
          assertThat(LakeRows.query(lake, "SELECT event_id, value FROM main.events ORDER BY 1"))
              .containsExactlyElementsOf(want);
          LakeRows.assertVerifies(lake);
        });
  }

  @Test
  void aFreshWorkingDirectoryRestoresTheStateFromTheLake() {
    List<Map<String, Object>> first = new ArrayList<>();
    IntStream.rangeClosed(1, 5).forEach(i -> first.add(event(i, i * 10L, "a")));
    run("w1", events(WriteDisposition.APPEND, first));
    try (DuckLakeDestination d = destination()) {
      PipelineState state = d.restoreState("p1").orElseThrow();
      assertThat(state.resource("events").watermarks().get("").text()).isEqualTo("50");
      assertThat(d.restoreState("other")).isEmpty();
    }
  }

  @Test
  void mergeReplacesRowsAndTheirChildRowsInOneSnapshot() {
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .writeDisposition(WriteDisposition.MERGE)
            .build();
    List<Map<String, Object>> first =
        List.of(
            order(1, List.of("x", "y", "z")), order(2, List.of("p")), order(3, List.of("q", "r")));
    run("w", Resources.ofRecords(spec, first, 10));
    List<Map<String, Object>> second =
        List.of(order(1, List.of("x2")), order(4, List.of("s", "t")));
    RunResult r = run("w", Resources.ofRecords(spec, second, 10));
    assertThat(r.table("orders").orElseThrow().rowsReplaced()).isEqualTo(1);
    assertThat(r.table("orders").orElseThrow().rowsInserted()).isEqualTo(1);
    withLake(
        lake -> {
          assertThat(LakeRows.query(lake, "SELECT id FROM main.orders ORDER BY id"))
              .containsExactly("1", "2", "3", "4");
          assertThat(
                  LakeRows.query(
                      lake,
                      "SELECT o.id, i.sku FROM main.orders o JOIN main.orders__items i"
                          + " ON i._dl_parent_id = o._dl_id ORDER BY o.id, i._dl_list_idx"))
              .containsExactly("1|x2", "2|p", "3|q", "3|r", "4|s", "4|t");
          assertThat(LakeRows.query(lake, "SELECT count(*) FROM main.orders__items"))
              .containsExactly("6");
          LakeRows.assertVerifies(lake);
        });
  }

  private static Map<String, Object> order(int id, List<String> skus) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    List<Map<String, Object>> items = new ArrayList<>();
    for (String s : skus) {
      items.add(Map.of("sku", s));
    }
    m.put("items", items);
    return m;
  }

  @Test
  void replaceWithAnEmptySourceEmptiesTheTable() {
    ResourceSpec spec =
        ResourceSpec.builder("things").writeDisposition(WriteDisposition.REPLACE).build();
    run("w", Resources.ofRecords(spec, List.of(Map.of("a", 1), Map.of("a", 2)), 10));
    RunResult r = run("w", Resources.ofRecords(spec, List.<Map<String, Object>>of(), 10));
    assertThat(r.table("things").orElseThrow().rowsDeleted()).isEqualTo(2);
    withLake(
        lake -> {
          assertThat(LakeRows.query(lake, "SELECT count(*) FROM main.things")).containsExactly("0");
          assertThat(LakeRows.query(lake, "SELECT count(a) FROM main.things")).containsExactly("0");
          LakeRows.assertVerifies(lake);
        });
  }

  @Test
  void aSchemaThatEvolvedBetweenTwoLoadsAddsAndWidensColumns() {
    ResourceSpec spec = ResourceSpec.builder("evolving").primaryKey("id").build();
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("id", 1);
    a.put("n", 5);
    run("w", Resources.ofRecords(spec, List.of(a), 10));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("id", 2);
    b.put("n", 5_000_000_000L);
    b.put("extra", "new");
    run("w", Resources.ofRecords(spec, List.of(b), 10));
    withLake(
        lake -> {
          assertThat(LakeRows.query(lake, "SELECT id, n, extra FROM main.evolving ORDER BY id"))
              .containsExactly("1|5|null", "2|5000000000|new");
          LakeRows.assertVerifies(lake);
        });
  }

  @Test
  void aLoadTheLakeAlreadyRecordsIsNeverPromotedTwice() throws Exception {
    try (DuckLakeDestination d = destination()) {
      StagedLoad load = ConcurrentPromoteIT.stagedEvents("p1", "load-1", 0, 50);
      assertThat(d.isCommitted("p1", "load-1")).isFalse();
      PromoteResult first = d.promote(load);
      assertThat(first.alreadyCommitted()).isFalse();
      assertThat(first.snapshotId()).isPresent();
      assertThat(d.isCommitted("p1", "load-1")).isTrue();
      assertThat(d.isCommitted("p2", "load-1")).isFalse();
      PromoteResult second = d.promote(load);
      assertThat(second.alreadyCommitted()).isTrue();
      assertThat(d.lake().snapshotsAfter(0)).hasSize(1);
      SnapshotInfo snapshot = d.lake().snapshotsAfter(0).get(0);
      assertThat(snapshot.commitExtraInfo())
          .contains("\"pipeline\":\"p1\"", "\"load_id\":\"load-1\"");
      assertThat(LakeRows.query(d.lake(), "SELECT count(*), count(DISTINCT id) FROM main.events"))
          .containsExactly("50|50");
    }
  }

  @Test
  void filesOfAPromoteThatDiedBeforeItsCommitAreRemovedByTheNextPromote() throws Exception {
    List<String> committed;
    Path stray;
    try (DuckLakeDestination d = destination()) {
      d.promote(ConcurrentPromoteIT.stagedEvents("p1", "load-1", 0, 10));
      committed = listParquet();
      // what a process killed between its Parquet writes and its commit leaves behind
      new PromoteJournal(d.lake()).begin("p1", "load-2");
      Path table = Path.of(d.lake().liveDataFiles(TableName.of("main", "events")).get(0).path());
      stray = table.resolveSibling("ducklake-00000000-0000-0000-0000-000000000000.parquet");
      Files.copy(table, stray);
    }
    assertThat(listParquet()).contains(stray.getFileName().toString());
    Thread.sleep(5);
    try (DuckLakeDestination d = destination()) {
      d.promote(ConcurrentPromoteIT.stagedEvents("p1", "load-3", 10, 20));
      assertThat(listParquet()).doesNotContain(stray.getFileName().toString());
      assertThat(listParquet()).containsAll(committed);
      assertThat(LakeRows.query(d.lake(), "SELECT count(*) FROM main.events"))
          .containsExactly("20");
      LakeRows.assertVerifies(d.lake());
    }
  }

  private List<String> listParquet() throws java.io.IOException {
    try (var files = Files.walk(dir.resolve("data"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".parquet"))
          .sorted()
          .toList();
    }
  }

  @Test
  void aPipelineOnAFreshMachineResumesFromTheStateInTheLake() {
    Path lakeDir = dir.resolve("lake");
    CrashScenario.run(lakeDir, dir.resolve("machine-1"), CrashScenario.Mode.APPEND, "A");
    // same pipeline, empty working directory: the watermark comes from the lake, so the source
    // is asked only for newer events and nothing is appended twice
    CrashScenario.run(lakeDir, dir.resolve("machine-2"), CrashScenario.Mode.APPEND, "A");
    try (DuckLake lake =
        DuckLake.open(
            CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake")), lakeDir.resolve("data"))) {
      assertThat(LakeRows.query(lake, "SELECT count(*), count(DISTINCT id) FROM main.events"))
          .containsExactly("20|20");
    }
  }

  @Test
  void recoveryKeepsFilesThatAnotherPipelinesPromoteInFlightMayHaveWritten() throws Exception {
    Path stray;
    try (DuckLakeDestination d = destination()) {
      d.promote(ConcurrentPromoteIT.stagedEvents("p1", "load-1", 0, 10));
      PromoteJournal journal = new PromoteJournal(d.lake());
      journal.begin("p1", "dead-load");
      journal.begin("p2", "in-flight-load");
      Path table = Path.of(d.lake().liveDataFiles(TableName.of("main", "events")).get(0).path());
      stray = table.resolveSibling("ducklake-00000000-0000-0000-0000-000000000001.parquet");
      Files.copy(table, stray);
    }
    Thread.sleep(5);
    try (DuckLakeDestination d = destination()) {
      d.promote(ConcurrentPromoteIT.stagedEvents("p1", "load-3", 10, 20));
      assertThat(listParquet()).contains(stray.getFileName().toString());
      LakeRows.assertVerifies(d.lake());
    }
  }
}
