package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.TableRunResult;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.ducklake.read.LakeReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that finds no new rows decides so from the local watermarks alone, and every run that has
 * something to load (new rows, a row committed late at or below the watermark, rows another worker
 * already loaded) still restores from the lake and loads exactly once.
 */
class NoChangeRunIT {
  private static PostgresFixture pg;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.start();
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  /** A DuckLake destination that counts what the runtime asks of it. */
  private static final class CountingDestination implements Destination {
    private final DuckLakeDestination lake;
    int restores;
    int promotes;

    CountingDestination(DuckLakeDestination lake) {
      this.lake = lake;
    }

    @Override
    public String name() {
      return lake.name();
    }

    @Override
    public Optional<PipelineState> restoreState(String pipelineName) {
      restores++;
      return lake.restoreState(pipelineName);
    }

    @Override
    public boolean isCommitted(String pipelineName, String loadId) {
      return lake.isCommitted(pipelineName, loadId);
    }

    @Override
    public PromoteResult promote(StagedLoad load) {
      promotes++;
      return lake.promote(load);
    }

    @Override
    public void close() {
      lake.close();
    }
  }

  private CountingDestination lake() throws Exception {
    Files.createDirectories(dir.resolve("lake"));
    return new CountingDestination(
        DuckLakeDestination.builder()
            .catalog(CatalogLocation.duckdb(dir.resolve("lake").resolve("catalog.ducklake")))
            .dataPath(dir.resolve("lake").resolve("data"))
            .build());
  }

  private Pipeline pipeline(String workDir, Destination lake, JdbcTable table) {
    return Pipeline.builder("ticks")
        .workingDirectory(dir.resolve(workDir))
        .destination(lake)
        .source(pg.source("pg").pageSize(50).table(table).build())
        .build();
  }

  private List<Object> lakeCounts(String table) {
    try (DuckLake lake =
            DuckLake.open(
                CatalogLocation.duckdb(dir.resolve("lake").resolve("catalog.ducklake")),
                dir.resolve("lake").resolve("data"));
        LakeReader reader = LakeReader.open(lake)) {
      return reader.sql("SELECT count(*), count(DISTINCT id) FROM main." + table).rows().get(0);
    }
  }

  private static void createTicks(String table, int rows) {
    pg.execute(
        "CREATE TABLE " + table + " (id int PRIMARY KEY, ts timestamptz NOT NULL, v text)",
        insertTicks(table, 1, rows));
  }

  /** Rows {@code from..to}, one second apart, the last three sharing one timestamp. */
  private static String insertTicks(String table, int from, int to) {
    return "INSERT INTO "
        + table
        + " SELECT g, '2024-01-01 00:00:00+00'::timestamptz + least(g, "
        + (to - 2)
        + ") * interval '1 second', 'v' || g FROM generate_series("
        + from
        + ", "
        + to
        + ") g";
  }

  private static String note(RunResult result) {
    return result.tables().stream().map(TableRunResult::notes).findFirst().orElseThrow();
  }

  @Test
  void aRunWithoutNewRowsAsksNeitherStagingNorTheLake() throws Exception {
    createTicks("ticks_a", 200);
    CountingDestination lake = lake();
    try (Pipeline p = pipeline("work", lake, JdbcTable.table("ticks_a").timestamp("ts").build())) {
      assertThat(p.run().rowsInserted()).isEqualTo(200);
      int restores = lake.restores;
      int promotes = lake.promotes;
      RunResult again = p.run();
      assertThat(again.rowsInserted()).isZero();
      assertThat(note(again)).isEqualTo("nothing to load");
      assertThat(lake.restores).isEqualTo(restores);
      assertThat(lake.promotes).isEqualTo(promotes);
    }
    assertThat(lakeCounts("ticks_a")).containsExactly(200L, 200L);
  }

  @Test
  void aRowCommittedLateAtTheWatermarkTimestampIsLoadedOnce() throws Exception {
    createTicks("ticks_b", 100);
    CountingDestination lake = lake();
    try (Pipeline p = pipeline("work", lake, JdbcTable.table("ticks_b").timestamp("ts").build())) {
      assertThat(p.run().rowsInserted()).isEqualTo(100);
      // a fourth row tied at the watermark's timestamp, committed after the load read it
      pg.execute("INSERT INTO ticks_b SELECT 1000, max(ts), 'late' FROM ticks_b");
      assertThat(p.run().rowsInserted()).isEqualTo(1);
      int promotes = lake.promotes;
      RunResult third = p.run();
      assertThat(third.rowsInserted()).isZero();
      assertThat(note(third)).isEqualTo("nothing to load");
      assertThat(lake.promotes).isEqualTo(promotes);
    }
    assertThat(lakeCounts("ticks_b")).containsExactly(101L, 101L);
  }

  @Test
  void aRowCommittedLateWithinTheLagIsLoadedOnce() throws Exception {
    createTicks("ticks_c", 100);
    CountingDestination lake = lake();
    JdbcTable table = JdbcTable.table("ticks_c").timestamp("ts").lag(Duration.ofMinutes(1)).build();
    try (Pipeline p = pipeline("work", lake, table)) {
      assertThat(p.run().rowsInserted()).isEqualTo(100);
      assertThat(note(p.run())).isEqualTo("nothing to load");
      pg.execute(
          "INSERT INTO ticks_c SELECT 2000, max(ts) - interval '30 seconds', 'late' FROM ticks_c");
      assertThat(p.run().rowsInserted()).isEqualTo(1);
      int promotes = lake.promotes;
      assertThat(note(p.run())).isEqualTo("nothing to load");
      assertThat(lake.promotes).isEqualTo(promotes);
    }
    assertThat(lakeCounts("ticks_c")).containsExactly(101L, 101L);
  }

  @Test
  void aWorkerWhoseLocalStateIsBehindTheLakeRestoresBeforeLoading() throws Exception {
    createTicks("ticks_d", 100);
    // append keeps duplicates, so reading from a stale watermark would show in the lake
    JdbcTable table =
        JdbcTable.table("ticks_d")
            .incrementing("id")
            .writeDisposition(WriteDisposition.APPEND)
            .build();
    CountingDestination lakeA = lake();
    try (Pipeline a = pipeline("worker-a", lakeA, table)) {
      assertThat(a.run().rowsInserted()).isEqualTo(100);
    }
    pg.execute(insertTicks("ticks_d", 101, 150));
    CountingDestination lakeB = lake();
    try (Pipeline b = pipeline("worker-b", lakeB, table)) {
      // a fresh working directory restores the lake's watermark first
      assertThat(b.run().rowsInserted()).isEqualTo(50);
      assertThat(lakeB.restores).isEqualTo(1);
    }
    CountingDestination lakeA2 = lake();
    try (Pipeline a = pipeline("worker-a", lakeA2, table)) {
      RunResult behind = a.run();
      assertThat(behind.rowsInserted()).isZero();
      assertThat(lakeA2.restores).isEqualTo(1);
      assertThat(lakeA2.promotes).isZero();
      RunResult again = a.run();
      assertThat(note(again)).isEqualTo("nothing to load");
      assertThat(lakeA2.restores).isEqualTo(1);
    }
    assertThat(lakeCounts("ticks_d")).containsExactly(150L, 150L);
  }
}
