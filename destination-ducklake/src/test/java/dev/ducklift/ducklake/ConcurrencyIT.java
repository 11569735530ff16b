package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.ducklake.catalog.CatalogLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several writers, threads and processes, committing to one lake through PostgreSQL. */
class ConcurrencyIT {
  static final DuckLakeOptions OPTIONS =
      DuckLakeOptions.builder().maxCommitAttempts(40).retryBaseWait(Duration.ofMillis(10)).build();
  static final TableName NUMBERS = TableName.of("numbers");

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

  static CommitResult appendBatch(DuckLake lake, Connection duck, long first) {
    Transaction tx = lake.newTransaction();
    tx.append(
        NUMBERS,
        duck,
        "SELECT i AS id, 'n' || i AS label FROM range(" + first + ", " + (first + 10) + ") r(i)");
    return tx.commitInfo("writer", "append " + first, null).commit();
  }

  private DuckLake createLake(CatalogLocation catalog) {
    DuckLake lake = DuckLake.create(catalog, dir.resolve("data"), OPTIONS);
    lake.newTransaction()
        .createTable(
            NUMBERS,
            List.of(
                ColumnDefinition.of("id", LakeType.primitive("int64")),
                ColumnDefinition.of("label", LakeType.primitive("varchar"))))
        .commit();
    return lake;
  }

  @Test
  void threadsAndProcessesAppendingToOneTableAllLandWithContiguousSnapshotsAndDisjointRowIds()
      throws Exception {
    CatalogLocation.Postgres catalog =
        (CatalogLocation.Postgres) Lakes.catalog(Lakes.Kind.POSTGRES, dir, pg);
    int threads = 3;
    int perWriter = 10;
    int processes = 2;
    // the threads do not queue for the commit lock, like writers of the official extension: they
    // collide on the snapshot id and retry; the processes queue
    try (DuckLake queued = createLake(catalog);
        DuckLake lake =
            DuckLake.open(
                catalog, dir.resolve("data"), OPTIONS.toBuilder().queueCommits(false).build())) {
      List<Process> children = new ArrayList<>();
      for (int p = 0; p < processes; p++) {
        children.add(
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    ConcurrentAppender.class.getName(),
                    catalog.jdbcUrl(),
                    catalog.schema(),
                    dir.resolve("data").toString(),
                    Long.toString(1_000_000L * (p + 1)),
                    Integer.toString(perWriter))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child-" + p + ".log").toFile())
                .start());
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<CommitResult> results = new CopyOnWriteArrayList<>();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long base = 10_000L * t;
        futures.add(
            pool.submit(
                () -> {
                  try (Connection duck = Lakes.duckdb()) {
                    for (int i = 0; i < perWriter; i++) {
                      results.add(appendBatch(lake, duck, base + i * 10L));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      for (int p = 0; p < processes; p++) {
        assertThat(children.get(p).waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(children.get(p).exitValue())
            .as(Files.readString(dir.resolve("child-" + p + ".log")))
            .isZero();
      }

      int commits = (threads + processes) * perWriter;
      assertThat(results).hasSize(threads * perWriter);
      assertThat(results.stream().mapToInt(CommitResult::attempts).sum())
          .as("the threads lost races for snapshot ids and retried")
          .isGreaterThan(results.size());
      // snapshots 0 (lake), 1 (table), then one per commit, no gaps
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT count(*), min(snapshot_id), max(snapshot_id) FROM "
                      + Lakes.t(lake, "ducklake_snapshot")))
          .containsExactly(
              List.of(Integer.toString(commits + 2), "0", Integer.toString(commits + 1)));
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT count(*) FROM "
                      + Lakes.t(lake, "ducklake_snapshot_changes")
                      + " WHERE changes_made = 'inserted_into_table:1' AND author = 'writer'"))
          .containsExactly(List.of(Integer.toString(commits)));
      // row ids: every file's range disjoint, together exactly 0 .. rows-1
      long rows = commits * 10L;
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT count(*), sum(record_count), min(row_id_start), max(row_id_start +"
                      + " record_count), count(DISTINCT row_id_start) FROM "
                      + Lakes.t(lake, "ducklake_data_file")))
          .containsExactly(
              List.of(
                  Integer.toString(commits),
                  Long.toString(rows),
                  "0",
                  Long.toString(rows),
                  Integer.toString(commits)));
      List<List<String>> overlaps =
          Lakes.catalogRows(
              lake,
              "SELECT a.data_file_id FROM "
                  + Lakes.t(lake, "ducklake_data_file")
                  + " a JOIN "
                  + Lakes.t(lake, "ducklake_data_file")
                  + " b ON a.data_file_id < b.data_file_id AND a.row_id_start < b.row_id_start +"
                  + " b.record_count AND b.row_id_start < a.row_id_start + a.record_count");
      assertThat(overlaps).isEmpty();

      // every row present once; stats exact against the data itself
      try (Connection duck = Lakes.duckdb()) {
        String rel = Lakes.relation(lake, NUMBERS);
        List<String> expectedIds = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          for (long i = 0; i < perWriter * 10L; i++) {
            expectedIds.add(Long.toString(10_000L * t + i));
          }
        }
        for (int p = 0; p < processes; p++) {
          for (long i = 0; i < perWriter * 10L; i++) {
            expectedIds.add(Long.toString(1_000_000L * (p + 1) + i));
          }
        }
        List<String> actual =
            Lakes.query(duck, "SELECT id FROM " + rel + " ORDER BY id").stream()
                .map(r -> r.get(0))
                .toList();
        assertThat(actual)
            .containsExactlyElementsOf(
                expectedIds.stream()
                    .sorted((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)))
                    .toList());
        List<String> minMax =
            Lakes.query(duck, "SELECT min(id), max(id), min(label), max(label) FROM " + rel).get(0);
        assertThat(
                Lakes.catalogRows(
                    lake,
                    "SELECT min_value, max_value FROM "
                        + Lakes.t(lake, "ducklake_table_column_stats")
                        + " ORDER BY column_id"))
            .containsExactly(
                List.of(minMax.get(0), minMax.get(1)), List.of(minMax.get(2), minMax.get(3)));
        assertThat(
                Lakes.catalogRows(
                    lake,
                    "SELECT record_count, next_row_id, file_size_bytes = (SELECT sum(file_size_bytes)"
                        + " FROM "
                        + Lakes.t(lake, "ducklake_data_file")
                        + ") FROM "
                        + Lakes.t(lake, "ducklake_table_stats")))
            .containsExactly(List.of(Long.toString(rows), Long.toString(rows), "t"));
      }
      // snapshot times follow snapshot ids (time travel by timestamp relies on it)
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT count(*) FROM (SELECT snapshot_time < lag(snapshot_time) OVER (ORDER BY"
                      + " snapshot_id) AS earlier FROM "
                      + Lakes.t(lake, "ducklake_snapshot")
                      + ") x WHERE earlier"))
          .containsExactly(List.of("0"));
      Lakes.assertVerified(lake);
    }
  }

  @Test
  void appendsBasedOnTheSameSnapshotBothLand() throws Exception {
    try (DuckLake lake = createLake(Lakes.catalog(Lakes.Kind.POSTGRES, dir, pg));
        Connection duck = Lakes.duckdb()) {
      Transaction a = lake.newTransaction();
      Transaction b = lake.newTransaction();
      a.append(NUMBERS, duck, "SELECT 1 AS id, 'a' AS label");
      b.append(NUMBERS, duck, "SELECT 2 AS id, 'b' AS label");
      List<List<SnapshotInfo>> seen = new ArrayList<>();
      b.validator((since, c) -> seen.add(since));
      CommitResult ra = a.commit();
      CommitResult rb = b.commit();
      assertThat(rb.snapshotId()).isEqualTo(ra.snapshotId() + 1);
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0)).extracting(SnapshotInfo::snapshotId).containsExactly(ra.snapshotId());
      assertThat(rb.dataFiles().get(0).rowIdStart()).isEqualTo(1);
    }
  }

  @Test
  void anAppendAndADeleteOnOneTableConflictAndLeaveTheLakeIntact() throws Exception {
    try (DuckLake lake = createLake(Lakes.catalog(Lakes.Kind.POSTGRES, dir, pg));
        Connection duck = Lakes.duckdb()) {
      appendBatch(lake, duck, 0);
      // delete based on snapshot 2, append commits first
      Transaction delete = lake.newTransaction();
      assertThat(delete.deleteWhere(NUMBERS, duck, "id < 5")).isEqualTo(5);
      appendBatch(lake, duck, 100);
      long before = lake.currentSnapshot().snapshotId();
      List<Path> filesBefore = parquetFiles();
      assertThatThrownBy(delete::commit)
          .isInstanceOf(LogicalConflictException.class)
          .hasMessageContaining("main.numbers")
          .hasMessageContaining("inserted_into_table");
      assertThat(lake.currentSnapshot().snapshotId()).isEqualTo(before);
      assertThat(parquetFiles()).hasSize(filesBefore.size() - 1); // its delete file is gone
      assertThat(
              Lakes.catalogRows(
                  lake, "SELECT count(*) FROM " + Lakes.t(lake, "ducklake_delete_file")))
          .containsExactly(List.of("0"));

      // the other way round: the delete commits first, the append conflicts
      Transaction append = lake.newTransaction();
      append.append(NUMBERS, duck, "SELECT 7 AS id, 'x' AS label");
      Transaction delete2 = lake.newTransaction();
      delete2.deleteWhere(NUMBERS, duck, "id = 3");
      delete2.commit();
      assertThatThrownBy(append::commit)
          .isInstanceOf(LogicalConflictException.class)
          .hasMessageContaining("deleted_from_table");
      try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
        assertThat(s.filter(p -> p.toString().endsWith(".parquet")).count())
            .isEqualTo(
                Long.parseLong(
                    Lakes.catalogRows(
                            lake,
                            "SELECT (SELECT count(*) FROM "
                                + Lakes.t(lake, "ducklake_data_file")
                                + ") + (SELECT count(*) FROM "
                                + Lakes.t(lake, "ducklake_delete_file")
                                + ")")
                        .get(0)
                        .get(0)));
      }
      try (Statement s = duck.createStatement()) {
        assertThat(Lakes.query(duck, "SELECT count(*) FROM " + Lakes.relation(lake, NUMBERS)))
            .containsExactly(List.of("19"));
        s.execute("SELECT 1");
      }
    }
  }

  @Test
  void aValidatorCanRejectACommitAfterAConcurrentOne() throws Exception {
    try (DuckLake lake = createLake(Lakes.catalog(Lakes.Kind.POSTGRES, dir, pg));
        Connection duck = Lakes.duckdb()) {
      Transaction tx = lake.newTransaction();
      tx.append(NUMBERS, duck, "SELECT 1 AS id, 'a' AS label");
      tx.validator(
          (since, c) -> {
            throw new LogicalConflictException(
                "Key 1 was inserted by snapshot " + since.get(0).snapshotId());
          });
      appendBatch(lake, duck, 0);
      assertThatThrownBy(tx::commit)
          .isInstanceOf(LogicalConflictException.class)
          .hasMessage("Key 1 was inserted by snapshot 2");
      assertThat(parquetFiles()).hasSize(1);
    }
  }

  private List<Path> parquetFiles() throws Exception {
    try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
      return s.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
  }
}
