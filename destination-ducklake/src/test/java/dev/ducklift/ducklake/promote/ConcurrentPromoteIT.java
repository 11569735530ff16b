package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.MergeHints;
import dev.ducklift.core.MergeStrategy;
import dev.ducklift.core.Secret;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.core.spi.StagedTable;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two pipelines in separate processes promote overlapping keys with insert-new into one table of a
 * lake whose catalog is in PostgreSQL: no key may end up twice, none may be missing.
 */
class ConcurrentPromoteIT {
  private static EmbeddedPostgres postgres;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void twoProcessesPromotingOverlappingKeysWithInsertNewLeaveEveryKeyOnce() throws Exception {
    String url = postgres.getJdbcUrl("postgres", "postgres");
    String schema = "lake_concurrent";
    CatalogLocation catalog =
        CatalogLocation.postgres(url, "postgres", Secret.of("postgres"), schema);
    Path data = dir.resolve("data");
    DuckLake.create(catalog, data).close();
    int runs = 4;
    int[] offsets = {0, 30};
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < offsets.length; i++) {
      Path log = dir.resolve("child-" + i + ".log");
      children.add(
          new ProcessBuilder(
                  ChildJvm.command(
                      ConcurrentChild.class,
                      List.of(),
                      List.of(
                          url,
                          schema,
                          data.toString(),
                          dir.resolve("work-" + i).toString(),
                          "pipeline-" + i,
                          Integer.toString(offsets[i]),
                          Integer.toString(runs))))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start());
    }
    for (int i = 0; i < children.size(); i++) {
      Process p = children.get(i);
      assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(dir.resolve("child-" + i + ".log"))).isZero();
    }
    TreeSet<Integer> expected = new TreeSet<>();
    for (int offset : offsets) {
      for (int i = offset; i < offset + 60 * runs; i++) {
        expected.add(i);
      }
    }
    try (DuckLake lake = DuckLake.open(catalog, data)) {
      List<String> ids = LakeRows.query(lake, "SELECT id FROM main.events ORDER BY id");
      assertThat(ids).hasSize(expected.size());
      assertThat(ids).containsExactlyElementsOf(expected.stream().map(String::valueOf).toList());
      assertThat(LakeRows.query(lake, "SELECT count(*) FROM main.events WHERE value <> 'v' || id"))
          .containsExactly("0");
      assertThat(
              LakeRows.query(
                  lake,
                  "SELECT pipeline_name, count(*) FROM _ducklift._ducklift_loads GROUP BY 1"
                      + " ORDER BY 1"))
          .containsExactly("pipeline-0|" + runs, "pipeline-1|" + runs);
      assertThat(LakeRows.query(lake, "SELECT count(*) FROM _ducklift._ducklift_state"))
          .containsExactly("2");
      LakeRows.assertVerifies(lake);
    }
  }

  static StagedLoad stagedEvents(String pipeline, String loadId, int from, int to)
      throws SQLException {
    Connection staging = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = staging.createStatement()) {
      s.execute("CREATE SCHEMA l");
      s.execute(
          "CREATE TABLE l.events AS SELECT i AS id, i AS ts, 'v' || i AS value, '"
              + loadId
              + "' AS _dl_load_id, CAST(i AS VARCHAR) AS _dl_id FROM range("
              + from
              + ", "
              + to
              + ") t(i)");
    }
    TableSchema schema =
        new TableSchema(
            "events",
            null,
            List.of(
                Column.of("id", DataType.BIGINT),
                Column.of("ts", DataType.BIGINT),
                Column.of("value", DataType.TEXT),
                Column.of(TableSchema.LOAD_ID, DataType.TEXT),
                Column.of(TableSchema.ROW_ID, DataType.TEXT)));
    return new StagedLoad(
        pipeline,
        loadId,
        staging,
        List.of(
            new StagedTable(
                schema, "l.events", to - from, WriteDisposition.INSERT_NEW, List.of("id"), "ts")),
        PipelineState.empty(pipeline));
  }

  @Test
  void aWriterThatLosesTheRaceRechecksTheKeysCommittedSinceItsBaseAndSkipsThem() throws Exception {
    String url = postgres.getJdbcUrl("postgres", "postgres");
    CatalogLocation catalog =
        CatalogLocation.postgres(url, "postgres", Secret.of("postgres"), "lake_race");
    Path data = dir.resolve("race-data");
    CyclicBarrier bothWritten = new CyclicBarrier(2);
    List<DuckLakeDestination> destinations = new ArrayList<>();
    for (String pipeline : List.of("a", "b")) {
      DuckLakeDestination d =
          DuckLakeDestination.builder()
              .catalog(catalog)
              .dataPath(data)
              .retryBaseWait(Duration.ofMillis(10))
              .build();
      destinations.add(d);
    }
    // both pipelines' first loads create the tables, one after the other
    destinations.get(0).promote(stagedEvents("a", "a-1", 0, 10));
    destinations.get(1).promote(stagedEvents("b", "b-1", 1000, 1010));
    for (DuckLakeDestination d : destinations) {
      AtomicBoolean first = new AtomicBoolean(true);
      d.beforeCommit =
          () -> {
            if (first.getAndSet(false)) {
              try {
                bothWritten.await(30, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          };
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<PromoteResult> a =
        pool.submit(() -> destinations.get(0).promote(stagedEvents("a", "a-2", 100, 300)));
    Future<PromoteResult> b =
        pool.submit(() -> destinations.get(1).promote(stagedEvents("b", "b-2", 200, 400)));
    PromoteResult ra = a.get(2, TimeUnit.MINUTES);
    PromoteResult rb = b.get(2, TimeUnit.MINUTES);
    pool.shutdown();
    long skipped = ra.tables().get(0).skippedDuplicates() + rb.tables().get(0).skippedDuplicates();
    long inserted = ra.tables().get(0).inserted() + rb.tables().get(0).inserted();
    assertThat(skipped).isEqualTo(100);
    assertThat(inserted).isEqualTo(300);
    try (DuckLake lake = destinations.get(0).lake()) {
      assertThat(LakeRows.query(lake, "SELECT count(*), count(DISTINCT id) FROM main.events"))
          .containsExactly("320|320");
      LakeRows.assertVerifies(lake);
    }
    destinations.get(1).close();
  }

  static StagedLoad stagedVersions(
      String pipeline, String loadId, int from, int to, String value, String boundary)
      throws SQLException {
    Connection staging = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = staging.createStatement()) {
      s.execute("CREATE SCHEMA l");
      s.execute(
          "CREATE TABLE l.people AS SELECT i AS id, i AS ts, '"
              + value
              + "' AS value, '"
              + loadId
              + "' AS _dl_load_id, CAST(md5(CAST(i AS VARCHAR)) AS UUID) AS _dl_id FROM range("
              + from
              + ", "
              + to
              + ") t(i)");
    }
    TableSchema schema =
        new TableSchema(
            "people",
            null,
            List.of(
                Column.of("id", DataType.BIGINT),
                Column.of("ts", DataType.BIGINT),
                Column.of("value", DataType.TEXT),
                Column.of(TableSchema.LOAD_ID, DataType.TEXT),
                Column.of(TableSchema.ROW_ID, DataType.UUID)));
    MergeHints scd2 =
        MergeHints.builder()
            .strategy(MergeStrategy.SCD2)
            .boundaryTimestamp(java.time.Instant.parse(boundary))
            .build();
    return new StagedLoad(
        pipeline,
        loadId,
        staging,
        List.of(
            new StagedTable(
                schema,
                "l.people",
                to - from,
                WriteDisposition.MERGE,
                List.of("id"),
                "ts",
                List.of(),
                scd2)),
        PipelineState.empty(pipeline));
  }

  @Test
  void twoScd2WritersClosingTheSameVersionsRebuildTheLoserSoEveryKeyHasOneCurrentVersion()
      throws Exception {
    String url = postgres.getJdbcUrl("postgres", "postgres");
    CatalogLocation catalog =
        CatalogLocation.postgres(url, "postgres", Secret.of("postgres"), "lake_scd2_race");
    Path data = dir.resolve("scd2-data");
    CyclicBarrier bothWritten = new CyclicBarrier(2);
    List<DuckLakeDestination> destinations = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      destinations.add(
          DuckLakeDestination.builder()
              .catalog(catalog)
              .dataPath(data)
              .retryBaseWait(Duration.ofMillis(10))
              .build());
    }
    destinations.get(0).promote(stagedVersions("a", "a-1", 0, 100, "v0", "2024-01-01T00:00:00Z"));
    for (DuckLakeDestination d : destinations) {
      AtomicBoolean first = new AtomicBoolean(true);
      d.beforeCommit =
          () -> {
            if (first.getAndSet(false)) {
              try {
                bothWritten.await(30, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          };
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<PromoteResult> a =
        pool.submit(
            () ->
                destinations
                    .get(0)
                    .promote(stagedVersions("a", "a-2", 0, 60, "a", "2024-01-02T00:00:00Z")));
    Future<PromoteResult> b =
        pool.submit(
            () ->
                destinations
                    .get(1)
                    .promote(stagedVersions("b", "b-2", 40, 100, "b", "2024-01-03T00:00:00Z")));
    a.get(2, TimeUnit.MINUTES);
    b.get(2, TimeUnit.MINUTES);
    pool.shutdown();
    try (DuckLake lake = destinations.get(0).lake()) {
      // keys 40..59 were changed by both: the original, the first committed and the rebuilt loser
      assertThat(
              LakeRows.query(
                  lake,
                  "SELECT count(*) FILTER (WHERE _dl_valid_to IS NULL), count(*),"
                      + " count(DISTINCT _dl_id) FROM main.people"))
          .containsExactly("100|220|220");
      assertThat(
              LakeRows.query(
                  lake,
                  "SELECT count(*) FROM (SELECT id FROM main.people WHERE _dl_valid_to IS NULL"
                      + " GROUP BY id HAVING count(*) > 1)"))
          .containsExactly("0");
      LakeRows.assertVerifies(lake);
    }
    destinations.get(1).close();
  }
}
