package dev.ducklift.benchmarks.ducklake;

import dev.ducklift.core.Secret;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.CommitResult;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.DuckLakeOptions;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.Transaction;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * DuckLake commit latency and Parquet write overhead.
 *
 * <p>Part 1: commits of 10-row appends into one table with a PostgreSQL catalog (embedded
 * PostgreSQL on loopback): latency p50/p99 of the whole transaction (Parquet write + commit) and of
 * the commit alone, with 1 writer and with 3 concurrent writers (each its own thread and in-memory
 * DuckDB), commits/s of both and their ratio, the process CPU time per commit, and the number of
 * errors. The two configurations alternate in one-second slices, so that load from other processes
 * that comes and goes during the run weighs on both alike.
 *
 * <p>Part 2: writing the same rows to Parquet through {@code Transaction.append} (casts, field ids,
 * statistics) against a bare DuckDB {@code COPY ... TO (FORMAT parquet)} in the same run.
 *
 * <p>Arguments: {@code [seconds per configuration] [rows for part 2] [DuckDB threads per writer]}
 * (default 10, 2,000,000 and DuckDB's default, one per core).
 */
public final class CommitBenchmark {
  private static final TableName TABLE = TableName.of("events");

  private CommitBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000L;
    Integer duckdbThreads = args.length > 2 ? Integer.valueOf(args[2]) : null;
    Path dir = Files.createTempDirectory("ducklift-commit-bench");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      CatalogLocation catalog =
          CatalogLocation.postgres(
              pg.getJdbcUrl("postgres", "postgres"), "postgres", Secret.of("postgres"), "lake");
      try (DuckLake lake =
          DuckLake.create(catalog, dir.resolve("data"), DuckLakeOptions.DEFAULTS)) {
        lake.newTransaction()
            .createTable(
                TABLE,
                List.of(
                    ColumnDefinition.of("id", LakeType.primitive("int64")),
                    ColumnDefinition.of("kind", LakeType.primitive("varchar")),
                    ColumnDefinition.of("at", LakeType.primitive("timestamptz")),
                    ColumnDefinition.of("amount", LakeType.primitive("decimal(18,2)"))))
            .commit();
        runWriters(lake, 1, 2, duckdbThreads); // warm-up
        runWriters(lake, 3, 1, duckdbThreads);
        double loadBefore = systemLoad();
        List<Phase> ones = new ArrayList<>();
        List<Phase> threes = new ArrayList<>();
        List<Double> sliceRatios = new ArrayList<>();
        for (int slice = 0; slice < seconds; slice++) {
          Phase o = runWriters(lake, 1, 1, duckdbThreads);
          Phase t = runWriters(lake, 3, 1, duckdbThreads);
          ones.add(o);
          threes.add(t);
          sliceRatios.add(t.commitsPerSecond() / o.commitsPerSecond());
        }
        Phase one = Phase.merge(ones);
        Phase three = Phase.merge(threes);
        System.out.printf(
            "DuckDB threads per writer: %s; load average %.1f before, %.1f after%n",
            duckdbThreads == null ? "default" : duckdbThreads, loadBefore, systemLoad());
        one.print("1 writer ");
        three.print("3 writers");
        Collections.sort(sliceRatios);
        System.out.printf(
            "3 writers / 1 writer commits/s: %.2fx (goal >= 1.5x; median of the %d slice pairs"
                + " %.2fx, range %.2f-%.2fx); errors: %d (goal 0)%n",
            three.commitsPerSecond() / one.commitsPerSecond(),
            sliceRatios.size(),
            sliceRatios.get(sliceRatios.size() / 2),
            sliceRatios.get(0),
            sliceRatios.get(sliceRatios.size() - 1),
            one.errors + three.errors);
        System.out.printf(
            "commit p50 with 1 writer: %.2f ms (goal <= 10 ms)%n", one.commitPercentile(0.50));
        verify(lake);
      }
      parquetOverhead(dir, rows, catalog);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double systemLoad() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** The CPU time of this process (all threads, DuckDB's native ones included), in ns. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Latencies (ns), counts and CPU time of one or more phases. */
  private record Phase(long[] total, long[] commit, long elapsedNanos, long errors, long cpuNanos) {
    static Phase merge(List<Phase> phases) {
      return new Phase(
          phases.stream().flatMapToLong(p -> Arrays.stream(p.total)).toArray(),
          phases.stream().flatMapToLong(p -> Arrays.stream(p.commit)).toArray(),
          phases.stream().mapToLong(Phase::elapsedNanos).sum(),
          phases.stream().mapToLong(Phase::errors).sum(),
          phases.stream().mapToLong(Phase::cpuNanos).sum());
    }

    double commitsPerSecond() {
      return total.length / (elapsedNanos / 1e9);
    }

    double percentile(long[] values, double p) {
      long[] sorted = values.clone();
      Arrays.sort(sorted);
      return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    double commitPercentile(double p) {
      return percentile(commit, p);
    }

    void print(String label) {
      System.out.printf(
          "%s: %d commits in %.1f s = %.1f commits/s; append+commit p50 %.2f ms p99 %.2f ms;"
              + " commit p50 %.2f ms p99 %.2f ms; process CPU %.2f ms per commit; errors %d%n",
          label,
          total.length,
          elapsedNanos / 1e9,
          commitsPerSecond(),
          percentile(total, 0.50),
          percentile(total, 0.99),
          percentile(commit, 0.50),
          percentile(commit, 0.99),
          cpuNanos / 1e6 / Math.max(1, total.length),
          errors);
    }
  }

  private static final AtomicLong NEXT_ID = new AtomicLong();

  private static Phase runWriters(DuckLake lake, int writers, int seconds, Integer duckdbThreads)
      throws Exception {
    // each writer's DuckDB is opened before the clock starts
    List<Connection> ducks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Connection duck = DriverManager.getConnection("jdbc:duckdb:");
      if (duckdbThreads != null) {
        try (Statement s = duck.createStatement()) {
          s.execute("SET threads = " + duckdbThreads);
        }
      }
      ducks.add(duck);
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger errors = new AtomicInteger();
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Connection writerDuck = ducks.get(w);
      futures.add(
          pool.submit(
              () -> {
                try (Connection duck = writerDuck) {
                  while (System.nanoTime() < deadline) {
                    long first = NEXT_ID.getAndAdd(10);
                    long t0 = System.nanoTime();
                    try {
                      Transaction tx = lake.newTransaction();
                      tx.append(
                          TABLE,
                          duck,
                          "SELECT i AS id, 'k' || (i % 7) AS kind, TIMESTAMPTZ '2025-01-01"
                              + " 00:00:00+00' + INTERVAL (i) SECOND AS at, i * 1.25 AS amount"
                              + " FROM range("
                              + first
                              + ", "
                              + (first + 10)
                              + ") r(i)");
                      long t1 = System.nanoTime();
                      CommitResult r = tx.commitInfo("bench", null, null).commit();
                      long t2 = System.nanoTime();
                      if (r == null) {
                        errors.incrementAndGet();
                      }
                      samples.add(new long[] {t2 - t0, t2 - t1});
                    } catch (RuntimeException e) {
                      errors.incrementAndGet();
                      System.err.println("Commit failed: " + e);
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    long elapsed = System.nanoTime() - start;
    long cpu = processCpuNanos() - cpuStart;
    pool.shutdown();
    long[] total = samples.stream().mapToLong(s -> s[0]).toArray();
    long[] commit = samples.stream().mapToLong(s -> s[1]).toArray();
    return new Phase(total, commit, elapsed, errors.get(), cpu);
  }

  /** Checks that every commit landed: contiguous snapshots and exact row counts. */
  private static void verify(DuckLake lake) throws SQLException {
    try (Connection c = lake.catalog().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM "
                    + lake.catalog().table("ducklake_snapshot")
                    + "), (SELECT max(snapshot_id) FROM "
                    + lake.catalog().table("ducklake_snapshot")
                    + "), (SELECT record_count FROM "
                    + lake.catalog().table("ducklake_table_stats")
                    + ")")) {
      rs.next();
      System.out.printf(
          "catalog: %d snapshots (max id %d, contiguous: %s), %d rows (expected %d)%n",
          rs.getLong(1),
          rs.getLong(2),
          rs.getLong(1) == rs.getLong(2) + 1,
          rs.getLong(3),
          NEXT_ID.get());
    }
  }

  private static void parquetOverhead(Path dir, long rows, CatalogLocation catalog)
      throws SQLException, IOException {
    String query =
        "SELECT i AS id, 'k' || (i % 7) AS kind, TIMESTAMPTZ '2025-01-01 00:00:00+00' + INTERVAL"
            + " (i) SECOND AS at, (i * 1.25)::DECIMAL(18,2) AS amount FROM range("
            + rows
            + ") r(i)";
    TableName big = TableName.of("big");
    CatalogLocation local = CatalogLocation.duckdb(dir.resolve("overhead.ducklake"));
    try (DuckLake lake = DuckLake.create(local, dir.resolve("overhead-data"));
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      lake.newTransaction()
          .createTable(
              big,
              List.of(
                  ColumnDefinition.of("id", LakeType.primitive("int64")),
                  ColumnDefinition.of("kind", LakeType.primitive("varchar")),
                  ColumnDefinition.of("at", LakeType.primitive("timestamptz")),
                  ColumnDefinition.of("amount", LakeType.primitive("decimal(18,2)"))))
          .commit();
      try (Statement s = duck.createStatement()) {
        s.execute("CREATE TABLE src AS " + query);
      }
      int rounds = 5;
      long[] bare = new long[rounds];
      long[] append = new long[rounds];
      long[] appendCommit = new long[rounds];
      for (int round = 0; round < rounds; round++) {
        Path file = dir.resolve("bare-" + round + ".parquet");
        long t0 = System.nanoTime();
        try (Statement s = duck.createStatement()) {
          s.execute("COPY (SELECT * FROM src) TO '" + file + "' (FORMAT parquet)");
        }
        bare[round] = System.nanoTime() - t0;
        Transaction tx = lake.newTransaction();
        long t1 = System.nanoTime();
        tx.append(big, duck, "SELECT * FROM src");
        append[round] = System.nanoTime() - t1;
        tx.commit();
        appendCommit[round] = System.nanoTime() - t1;
        Files.delete(file);
      }
      Arrays.sort(bare);
      Arrays.sort(append);
      Arrays.sort(appendCommit);
      int median = rounds / 2;
      System.out.printf(
          "Parquet write of %d rows (median of %d): bare COPY %.0f ms; Transaction.append %.0f ms"
              + " (%.2fx, goal <= 1.2x); append + commit %.0f ms (%.2fx)%n",
          rows,
          rounds,
          bare[median] / 1e6,
          append[median] / 1e6,
          (double) append[median] / bare[median],
          appendCommit[median] / 1e6,
          (double) appendCommit[median] / bare[median]);
    }
  }
}
