package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.internal.StateStore;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.testing.DuckDbTestDestination;
import dev.ducklift.core.testing.FaultInjectingDestination;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineIT {

  @TempDir Path dir;
  private DuckDbTestDestination lake;

  @BeforeEach
  void openLake() {
    lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
  }

  @AfterEach
  void closeLake() {
    lake.close();
  }

  /** A source over a mutable list, paging it, optionally failing after some pages. */
  static final class ListSource {
    final List<Map<String, Object>> records = new ArrayList<>();
    int pageSize = 2;
    int failAfterPages = -1;
    final List<CursorValue> startValues = new ArrayList<>();
    final AtomicInteger pagesServed = new AtomicInteger();

    Resource resource(ResourceSpec spec) {
      return Resources.fromFunction(
          spec,
          (context, pages) -> {
            context.startValue().ifPresent(startValues::add);
            int page = 0;
            for (int i = 0; i < records.size(); i += pageSize) {
              if (page == failAfterPages) {
                throw new IllegalStateException("source broke after " + page + " pages");
              }
              List<Map<String, Object>> batch =
                  new ArrayList<>(records.subList(i, Math.min(records.size(), i + pageSize)));
              page++;
              pagesServed.incrementAndGet();
              if (!pages.accept(new Page(batch, "list page " + page))) {
                return;
              }
            }
          });
    }

    ListSource add(int id, String updatedAt, Object... extra) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("updated_at", updatedAt);
      for (int i = 0; i < extra.length; i += 2) {
        m.put((String) extra[i], extra[i + 1]);
      }
      records.add(m);
      return this;
    }
  }

  private static String ts(int minute) {
    return String.format("2024-05-01T10:%02d:00Z", minute);
  }

  private Pipeline pipeline(Destination destination, Resource resource) {
    return Pipeline.builder("p")
        .workingDirectory(dir.resolve("work"))
        .destination(destination)
        .resource(resource)
        .build();
  }

  private static ResourceSpec incrementalOrders() {
    return ResourceSpec.builder("orders")
        .primaryKey("id")
        .incremental(Incremental.on("updated_at"))
        .build();
  }

  @Test
  void incrementalRunsReadFromTheWatermarkAndSkipTheReReadDuplicate() {
    ListSource source = new ListSource().add(1, ts(1)).add(2, ts(2)).add(3, ts(3));
    Pipeline pipeline = pipeline(lake, source.resource(incrementalOrders()));
    RunResult first = pipeline.run();
    assertThat(first.table("orders").orElseThrow().rowsInserted()).isEqualTo(3);

    source.add(4, ts(4)).add(5, ts(5));
    RunResult second = pipeline.run();

    TableRunResult orders = second.table("orders").orElseThrow();
    assertThat(orders.rowsStaged()).isEqualTo(3); // 3 (equal to the watermark), 4, 5
    assertThat(orders.skippedDuplicates()).isEqualTo(1);
    assertThat(orders.rowsInserted()).isEqualTo(2);
    assertThat(orders.rowsDiscarded()).isEqualTo(2); // 1 and 2 are before the window
    assertThat(lake.count("orders")).isEqualTo(5);
    assertThat(source.startValues).containsExactly(CursorValue.of(OffsetDateTime.parse(ts(3))));
    assertThat(pipeline.state().resource("orders").watermarks())
        .containsEntry("", CursorValue.of(OffsetDateTime.parse(ts(5))));
    assertThat(lake.restoreState("p").orElseThrow().resource("orders").watermarks())
        .containsEntry("", CursorValue.of(OffsetDateTime.parse(ts(5))));
  }

  @Test
  void mergeReplacesARowAndItsChildRows() {
    ListSource source = new ListSource().add(1, ts(1), "items", List.of("a", "b", "c"));
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .writeDisposition(WriteDisposition.MERGE)
            .build();
    Pipeline pipeline = pipeline(lake, source.resource(spec));
    pipeline.run();
    source.records.clear();
    source.add(1, ts(2), "items", List.of("d"));
    RunResult second = pipeline.run();

    assertThat(lake.count("orders")).isEqualTo(1);
    assertThat(lake.query("SELECT value FROM orders__items"))
        .extracting(r -> r.get("value"))
        .containsExactly("d");
    assertThat(second.table("orders").orElseThrow().rowsReplaced()).isEqualTo(1);
  }

  @Test
  void replaceEndsThePreviousRowsOfRootAndChildTables() {
    ListSource source =
        new ListSource().add(1, ts(1), "tags", List.of("x")).add(2, ts(2)).add(3, ts(3));
    ResourceSpec spec =
        ResourceSpec.builder("snap").writeDisposition(WriteDisposition.REPLACE).build();
    Pipeline pipeline = pipeline(lake, source.resource(spec));
    pipeline.run();
    source.records.clear();
    source.add(9, ts(9));
    pipeline.run();

    assertThat(lake.query("SELECT id FROM snap")).extracting(r -> r.get("id")).containsExactly(9L);
    assertThat(lake.count("snap__tags")).isZero();
  }

  @Test
  void aFailureBetweenPagesLeavesNoPartialBatchAndTheNextRunLoadsEverythingOnce() throws Exception {
    ListSource source = new ListSource();
    for (int i = 1; i <= 10; i++) {
      source.add(i, ts(i));
    }
    source.failAfterPages = 3; // pages 1-3 served, then the source throws
    Pipeline pipeline =
        Pipeline.builder("p")
            .workingDirectory(dir.resolve("work"))
            .destination(lake)
            .resource(source.resource(incrementalOrders()))
            .checkpointEveryPages(4)
            .build();

    // Checkpoints committed in the background come every 2 of the 4 pages (see below), so pages
    // 1-2 are committed when page 3 fails.
    assertThatThrownBy(pipeline::run)
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Resource 'orders'")
        .hasMessageContaining("source broke");

    // Pages 1-2 were checkpointed; page 3 was not, and nothing of it is staged.
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("work/staging.duckdb"));
        Statement st = c.createStatement()) {
      ResultSet schemas =
          st.executeQuery(
              "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'load_%'");
      assertThat(schemas.next()).isTrue();
      String schema = schemas.getString(1);
      ResultSet rows = st.executeQuery("SELECT max(id), count(*) FROM \"" + schema + "\".orders");
      rows.next();
      assertThat(rows.getLong(1)).isEqualTo(4);
      assertThat(rows.getLong(2)).isEqualTo(4);
    }
    assertThat(lake.count("orders")).isZero();

    source.failAfterPages = -1;
    RunResult resumed = pipeline.run();
    assertThat(resumed.resumedLoads()).hasSize(1);
    assertThat(lake.query("SELECT count(*) AS n, count(DISTINCT id) AS d FROM orders"))
        .containsExactly(Map.of("n", 10L, "d", 10L));
    // The partial load's watermark (minute 4) was committed, so the re-run started there.
    assertThat(source.startValues).containsExactly(CursorValue.of(OffsetDateTime.parse(ts(4))));
  }

  @Test
  void aPartialLoadWithoutAnOrderedCursorIsDiscardedAndReExtracted() {
    ListSource source = new ListSource();
    for (int i = 1; i <= 6; i++) {
      source.add(i, ts(i));
    }
    source.failAfterPages = 2;
    ResourceSpec spec = ResourceSpec.builder("events").build(); // append, no cursor
    Pipeline pipeline =
        Pipeline.builder("p")
            .workingDirectory(dir.resolve("work"))
            .destination(lake)
            .resource(source.resource(spec))
            .checkpointEveryPages(1)
            .build();
    assertThatThrownBy(pipeline::run).isInstanceOf(DuckliftException.class);
    source.failAfterPages = -1;
    RunResult second = pipeline.run();

    assertThat(second.resumedLoads()).isEmpty();
    assertThat(lake.count("events")).isEqualTo(6);
  }

  @Test
  void aPromoteThatFailsBeforeCommittingIsRetriedByTheNextRun() {
    FaultInjectingDestination faulty = new FaultInjectingDestination(lake).failBeforeCommit(1);
    ListSource source = new ListSource().add(1, ts(1)).add(2, ts(2));
    Pipeline pipeline = pipeline(faulty, source.resource(incrementalOrders()));

    assertThatThrownBy(pipeline::run).hasMessageContaining("Injected failure");
    assertThat(lake.count("orders")).isZero();

    RunResult second = pipeline.run();
    assertThat(second.resumedLoads()).hasSize(1);
    assertThat(lake.count("orders")).isEqualTo(2);
    assertThat(faulty.promotedLoads()).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void aLoadCommittedBeforeAFailureIsNotPromotedAgain() {
    FaultInjectingDestination faulty = new FaultInjectingDestination(lake).failAfterCommit(1);
    ListSource source = new ListSource().add(1, ts(1)).add(2, ts(2));
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .incremental(Incremental.on("updated_at"))
            .writeDisposition(WriteDisposition.APPEND)
            .build();
    Pipeline pipeline = pipeline(faulty, source.resource(spec));

    assertThatThrownBy(pipeline::run).hasMessageContaining("Injected failure after");
    assertThat(lake.count("orders")).isEqualTo(2);

    RunResult second = pipeline.run();
    assertThat(second.resumedLoads()).hasSize(1);
    assertThat(second.tables().get(0).notes()).isEqualTo("already committed");
    // Append without a key: a second promote would have duplicated both rows; the re-read of
    // the row equal to the watermark is the only new row.
    assertThat(lake.count("orders")).isEqualTo(3);
    assertThat(lake.committedLoads("p")).hasSize(2);
  }

  @Test
  void aFreshWorkingDirectoryRestoresStateFromTheDestination() {
    ListSource source = new ListSource().add(1, ts(1)).add(2, ts(7));
    pipeline(lake, source.resource(incrementalOrders())).run();

    ListSource again = new ListSource().add(1, ts(1)).add(2, ts(7)).add(3, ts(8));
    Pipeline fresh =
        Pipeline.builder("p")
            .workingDirectory(dir.resolve("elsewhere"))
            .destination(lake)
            .resource(again.resource(incrementalOrders()))
            .build();
    RunResult result = fresh.run();

    assertThat(again.startValues).containsExactly(CursorValue.of(OffsetDateTime.parse(ts(7))));
    assertThat(result.table("orders").orElseThrow().rowsInserted()).isEqualTo(1);
    assertThat(lake.count("orders")).isEqualTo(3);
  }

  @Test
  void theJournalRecordsEveryLoadAsFinished() {
    ListSource source = new ListSource().add(1, ts(1));
    Pipeline pipeline = pipeline(lake, source.resource(incrementalOrders()));
    RunResult result = pipeline.run();
    String loadId = result.loadIds().get(0);
    try (StateStore store = StateStore.open(dir.resolve("work"), "p")) {
      assertThat(store.journalStatus(loadId)).contains(StateStore.FINISHED);
      assertThat(store.schemas("orders")).extracting(s -> s.name()).containsExactly("orders");
      assertThat(store.schemaVersion("orders")).isEqualTo(1);
    }
    assertThat(lake.committedLoads("p")).containsExactly(loadId);
    assertThat(result.toJson()).contains("\"load_ids\":[\"" + loadId + "\"]");
  }

  @Test
  void aRecordThatIsNotAnObjectFailsTheRunAndEarlierLoadsStayIntact() {
    ListSource source = new ListSource().add(1, ts(1));
    Pipeline pipeline = pipeline(lake, source.resource(incrementalOrders()));
    pipeline.run();

    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Map<String, Object>> bad = (List) List.of("not an object");
    Resource broken =
        Resources.of(incrementalOrders(), List.of(new Page(bad, "https://api/orders?page=2")));
    Pipeline brokenPipeline = pipeline(lake, broken);
    assertThatThrownBy(brokenPipeline::run)
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Resource 'orders'")
        .hasMessageContaining("table 'orders'")
        .hasMessageContaining("record 0 of https://api/orders?page=2")
        .hasMessageContaining("\"not an object\"");
    assertThat(lake.count("orders")).isEqualTo(1);

    source.add(2, ts(2));
    pipeline.run();
    assertThat(lake.count("orders")).isEqualTo(2);
  }

  @Test
  void aBackfillWindowLoadsItsRangeAndLeavesTheWatermarkAlone() {
    ListSource source = new ListSource().add(1, ts(1)).add(2, ts(5)).add(3, ts(9));
    pipeline(lake, source.resource(incrementalOrders())).run();
    ResourceSpec backfill =
        incrementalOrders().toBuilder()
            .incremental(
                Incremental.on("updated_at")
                    .withInitialValue(CursorValue.of(OffsetDateTime.parse(ts(0))))
                    .withEndValue(CursorValue.of(OffsetDateTime.parse(ts(5)))))
            .writeDisposition(WriteDisposition.MERGE)
            .build();
    RunResult result = pipeline(lake, source.resource(backfill)).run();

    assertThat(result.table("orders").orElseThrow().rowsStaged()).isEqualTo(1);
    PipelineState state = lake.restoreState("p").orElseThrow();
    assertThat(state.resource("orders").watermarks())
        .containsEntry("", CursorValue.of(OffsetDateTime.parse(ts(9))));
  }

  @Test
  void checkpointsCommittedInTheBackgroundNeverLeaveMoreThanOneIntervalUncommitted() {
    ListSource source = new ListSource();
    source.pageSize = 5;
    for (int i = 1; i <= 300; i++) {
      source.add(i, ts(i % 50));
    }
    long interval = 40;
    List<Long> uncommittedAtEachPage = new ArrayList<>();
    List<Long> checkpointSizes = new ArrayList<>();
    long[] extracted = {0};
    long[] committed = {0};
    Pipeline pipeline =
        Pipeline.builder("p")
            .workingDirectory(dir.resolve("work"))
            .destination(lake)
            .resource(source.resource(incrementalOrders()))
            .checkpointEvery(interval)
            .listener(
                new PipelineListener() {
                  @Override
                  public void pageExtracted(String r, Page page, int records, int accepted) {
                    extracted[0] += accepted;
                    uncommittedAtEachPage.add(extracted[0] - committed[0]);
                  }

                  @Override
                  public void checkpointCommitted(String r, String l, long rows, long total) {
                    committed[0] = total;
                    checkpointSizes.add(rows);
                  }
                })
            .build();
    pipeline.run();

    // Every record is one row. What a crash would lose at a page boundary is what is not yet
    // reported committed (a commit in flight counts as lost): at most one interval, plus the page
    // that crossed each of the two half-interval marks.
    assertThat(committed[0]).isEqualTo(300);
    assertThat(uncommittedAtEachPage)
        .isNotEmpty()
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(interval + 2 * 5));
    assertThat(checkpointSizes.subList(0, checkpointSizes.size() - 1))
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(interval / 2 + 5));
  }

  @Test
  void theListenerSeesPagesCheckpointsPromotesAndTheEnd() {
    List<String> events = new ArrayList<>();
    ListSource source = new ListSource().add(1, ts(1)).add(2, ts(2)).add(3, ts(3));
    Pipeline pipeline =
        Pipeline.builder("p")
            .workingDirectory(dir.resolve("work"))
            .destination(lake)
            .resource(source.resource(incrementalOrders()))
            .checkpointEvery(4)
            .listener(
                new PipelineListener() {
                  @Override
                  public void pageExtracted(String r, Page page, int records, int accepted) {
                    events.add("page " + records);
                  }

                  @Override
                  public void checkpointCommitted(String r, String l, long rows, long total) {
                    events.add("checkpoint " + total);
                  }

                  @Override
                  public void loadPromoted(
                      String r, String l, dev.ducklift.core.spi.PromoteResult p) {
                    events.add("promoted");
                  }

                  @Override
                  public void runFinished(RunResult result) {
                    events.add("finished");
                  }
                })
            .build();
    pipeline.run();
    // A checkpoint commits in the background while the next page is normalized, so it is
    // reported after its own pages, but maybe after later ones too.
    assertThat(events.stream().filter(e -> !e.startsWith("page")))
        .containsExactly("checkpoint 2", "checkpoint 3", "promoted", "finished");
    assertThat(events.stream().filter(e -> e.startsWith("page")))
        .containsExactly("page 2", "page 1");
    assertThat(events.indexOf("checkpoint 2")).isGreaterThan(events.indexOf("page 2"));
    assertThat(events.indexOf("checkpoint 3")).isGreaterThan(events.indexOf("page 1"));
  }
}
