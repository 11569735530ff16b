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
 * statistics) against a bare DuckDB {@code COPY ... TO (FORMAT parquet)} in the same run, in
 * alternating rounds; median and best of each and the ratio of the medians. The same comparison
 * with 10 rows shows the fixed cost of an append.
 *
 * <p>Arguments: {@code [seconds per configuration] [rows for part 2] [DuckDB threads per writer]}
 * (default 10, 2,000,000 and DuckDB's default, one per core); 0 seconds runs part 2 only.
 */
public final class CommitBenchmark {
  private static final TableName TABLE = TableName.of("events");

  private CommitBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000L;
    Integer duckdbThreads = args.length > 2 ? Integer.valueOf(args[2]) : null;
    Path dir = Files.createTempDirectory("ducklift-commit-bench");
    try {
      if (seconds > 0) {
        commitLatency(dir, seconds, duckdbThreads);
      }
      parquetOverhead(dir, rows);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Part 1: commit latency and throughput with a PostgreSQL catalog, 1 and 3 writers. */
  private static void commitLatency(Path dir, int seconds, Integer duckdbThreads) throws Exception {
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

  /** Rounds of the write comparison not counted (JIT, DuckDB caches, the table directory). */
  private static final int WARM_UP_ROUNDS = 5;

  private static final int MIN_ROUNDS = 5;
  private static final int MAX_ROUNDS = 41;

  /** Rounds stop after this much time (at least {@link #MIN_ROUNDS}), so large sizes stay short. */
  private static final long ROUNDS_BUDGET_NANOS = 20_000_000_000L;

  /** Rows of the second comparison, small enough that it shows the fixed cost of an append. */
  private static final long FIXED_COST_ROWS = 10;

  private static void parquetOverhead(Path dir, long rows) throws SQLException, IOException {
    List<ColumnDefinition> columns =
        List.of(
            ColumnDefinition.of("id", LakeType.primitive("int64")),
            ColumnDefinition.of("kind", LakeType.primitive("varchar")),
            ColumnDefinition.of("at", LakeType.primitive("timestamptz")),
            ColumnDefinition.of("amount", LakeType.primitive("decimal(18,2)")));
    TableName big = TableName.of("big");
    TableName small = TableName.of("small");
    CatalogLocation local = CatalogLocation.duckdb(dir.resolve("overhead.ducklake"));
    // the bare COPY writes next to the lake's data, on the same file system
    Path bareDir = Files.createDirectories(dir.resolve("overhead-bare"));
    try (DuckLake lake = DuckLake.create(local, dir.resolve("overhead-data"));
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      lake.newTransaction().createTable(big, columns).createTable(small, columns).commit();
      try (Statement s = duck.createStatement()) {
        s.execute("CREATE TABLE src AS " + sourceQuery(rows));
        s.execute("CREATE TABLE src_small AS " + sourceQuery(FIXED_COST_ROWS));
      }
      // the small comparison first: it also warms up the code both comparisons run
      WriteComparison fixed = compareWrites(lake, duck, small, "src_small", bareDir);
      WriteComparison large = compareWrites(lake, duck, big, "src", bareDir);
      System.out.printf(
          "Parquet write of %d rows, %d rounds alternating bare COPY and Transaction.append"
              + " (which goes first swaps every round); load average %.1f:%n",
          rows, large.rounds(), systemLoad());
      large.print();
      System.out.printf(
          "append / bare COPY: %.2fx (ratio of medians, goal <= 1.2x); best %.2fx; append + commit"
              + " median %.1f ms (%.2fx)%n",
          large.append().median() / large.bare().median(),
          large.append().best() / large.bare().best(),
          large.appendCommit().median(),
          large.appendCommit().median() / large.bare().median());
      System.out.printf(
          "Fixed cost of an append (%d rows, %d rounds): bare COPY median %.2f ms, append median"
              + " %.2f ms, median difference %+.2f ms per append%n",
          FIXED_COST_ROWS,
          fixed.rounds(),
          fixed.bare().median(),
          fixed.append().median(),
          fixed.medianDifference());
    }
  }

  private static String sourceQuery(long rows) {
    return "SELECT i AS id, 'k' || (i % 7) AS kind, TIMESTAMPTZ '2025-01-01 00:00:00+00' + INTERVAL"
        + " (i) SECOND AS at, (i * 1.25)::DECIMAL(18,2) AS amount FROM range("
        + rows
        + ") r(i)";
  }

  /** Wall times (ms) of one kind of write, with the process CPU time they took in all. */
  private record Times(double[] wallMs, double cpuMs) {
    double median() {
      double[] sorted = wallMs.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    double best() {
      return Arrays.stream(wallMs).min().orElse(Double.NaN);
    }

    void print(String label) {
      System.out.printf(
          "  %-19s median %.2f ms, best %.2f ms; process CPU %.2f ms per write%n",
          label, median(), best(), cpuMs / wallMs.length);
    }
  }

  private record WriteComparison(Times bare, Times append, Times appendCommit) {
    int rounds() {
      return bare.wallMs.length;
    }

    double medianDifference() {
      double[] d = new double[rounds()];
      for (int i = 0; i < d.length; i++) {
        d[i] = append.wallMs[i] - bare.wallMs[i];
      }
      return new Times(d, 0).median();
    }

    void print() {
      bare.print("bare COPY:");
      append.print("Transaction.append:");
    }
  }

  /**
   * Writes the rows of {@code source} with a bare {@code COPY ... (FORMAT parquet)} and with {@code
   * Transaction.append} (committed after it is timed), alternating, the order swapped every round
   * so that neither side always runs right after the other's commit or on warmer caches.
   */
  private static WriteComparison compareWrites(
      DuckLake lake, Connection duck, TableName table, String source, Path bareDir)
      throws SQLException, IOException {
    List<double[]> bare = new ArrayList<>();
    List<double[]> append = new ArrayList<>();
    List<Double> appendCommit = new ArrayList<>();
    long deadline = 0;
    for (int round = -WARM_UP_ROUNDS; round < MAX_ROUNDS; round++) {
      if (round == 0) {
        deadline = System.nanoTime() + ROUNDS_BUDGET_NANOS;
      } else if (round >= MIN_ROUNDS && System.nanoTime() > deadline) {
        break;
      }
      Path file = bareDir.resolve(source + "-" + (round + WARM_UP_ROUNDS) + ".parquet");
      double[] b;
      double[] a;
      if ((round & 1) == 0) {
        b = bareCopy(duck, source, file);
        a = append(lake, duck, table, source);
      } else {
        a = append(lake, duck, table, source);
        b = bareCopy(duck, source, file);
      }
      Files.delete(file);
      if (round >= 0) {
        bare.add(b);
        append.add(a);
        appendCommit.add(a[2]);
      }
    }
    return new WriteComparison(
        times(bare),
        times(append),
        new Times(appendCommit.stream().mapToDouble(Double::doubleValue).toArray(), 0));
  }

  private static Times times(List<double[]> samples) {
    return new Times(
        samples.stream().mapToDouble(x -> x[0]).toArray(),
        samples.stream().mapToDouble(x -> x[1]).sum());
  }

  /** One bare COPY: {wall ms, process CPU ms}. */
  private static double[] bareCopy(Connection duck, String source, Path file) throws SQLException {
    try (Statement s = duck.createStatement()) {
      long cpu = processCpuNanos();
      long t0 = System.nanoTime();
      s.execute("COPY (SELECT * FROM " + source + ") TO '" + file + "' (FORMAT parquet)");
      long t1 = System.nanoTime();
      return new double[] {(t1 - t0) / 1e6, (processCpuNanos() - cpu) / 1e6};
    }
  }

  /** One append, then its commit: {append wall ms, append process CPU ms, append + commit ms}. */
  private static double[] append(DuckLake lake, Connection duck, TableName table, String source) {
    Transaction tx = lake.newTransaction();
    long cpu = processCpuNanos();
    long t0 = System.nanoTime();
    tx.append(table, duck, "SELECT * FROM " + source);
    long t1 = System.nanoTime();
    long cpuAppend = processCpuNanos() - cpu;
    tx.commit();
    long t2 = System.nanoTime();
    return new double[] {(t1 - t0) / 1e6, cpuAppend / 1e6, (t2 - t0) / 1e6};
  }
}
