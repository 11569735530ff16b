package dev.ducklift.benchmarks.jdbc;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.Secret;
import dev.ducklift.core.spi.TypedResource;
import dev.ducklift.core.spi.TypedRowSink;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.jdbc.JdbcSource;
import dev.ducklift.jdbc.JdbcTable;
import dev.ducklift.jdbc.ReadMethod;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/**
 * JDBC source throughput on an events table in an embedded PostgreSQL, against PostgreSQL's own
 * export speed measured in the same run.
 *
 * <p>The table has the classic event shape ({@code event_id uuid} primary key, {@code event_type
 * text}, {@code event_timestamp timestamptz} indexed cursor, {@code details jsonb}, {@code
 * created_at timestamptz}). Measured, in order:
 *
 * <ol>
 *   <li>baseline: {@code COPY (SELECT ... ORDER BY event_timestamp) TO STDOUT} drained through
 *       pgjdbc's {@code CopyManager} into a counting sink (best of two);
 *   <li>the source alone: the JDBC resource extracting every row, pages dropped;
 *   <li>full load: a pipeline (typed staging, promote) into a DuckLake with a DuckDB-file catalog,
 *       {@code insert-new}; best of two, each into a fresh lake with fresh staging;
 *   <li>incremental load after inserting 1% new rows;
 *   <li>a no-change incremental run, against the bare cursor query ({@code WHERE event_timestamp >=
 *       ? ORDER BY event_timestamp}) run warm through plain JDBC (best of five); also the source
 *       alone for the same no-change read.
 * </ol>
 *
 * <p>Peak heap is the sum of the heap pools' peaks in each phase (an upper bound). CPU is this
 * JVM's and the PostgreSQL server's (its backends included), per phase. Arguments: {@code [rows]
 * [copy|plain] [all|full|source]} (default 5,000,000, copy and all; {@code source} stops after the
 * source-alone measurement, {@code full} after the full loads). {@code -Dcheckpoint.rows=N} sets
 * the pipeline's checkpoint interval.
 */
public final class JdbcSourceBenchmark {

  private static final String COLUMNS =
      "event_id, event_type, event_timestamp, details, created_at";

  private JdbcSourceBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 5_000_000L;
    ReadMethod method = args.length > 1 ? ReadMethod.fromConfigName(args[1]) : ReadMethod.COPY;
    boolean sourceOnly = args.length > 2 && args[2].equals("source");
    boolean fullOnly = args.length > 2 && args[2].equals("full");
    Path dir = Files.createTempDirectory("ducklift-jdbc-benchmark");
    System.out.printf(
        "JDBC source benchmark: %,d rows, read method %s, max heap %d MB, dir %s%n",
        rows, method.configName(), Runtime.getRuntime().maxMemory() >> 20, dir);
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
      long t0 = System.nanoTime();
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE events (event_id uuid PRIMARY KEY, event_type text NOT NULL,"
                + " event_timestamp timestamptz NOT NULL, details jsonb, created_at timestamptz"
                + " NOT NULL)");
        for (long from = 1; from <= rows; from += 1_000_000) {
          s.execute(insert(from, Math.min(rows, from + 999_999)));
        }
        s.execute("CREATE INDEX events_ts ON events (event_timestamp)");
        s.execute("VACUUM ANALYZE events");
      }
      System.out.printf("generated in %.1f s%n", seconds(t0));

      long postmaster = postmasterPid(pg);
      double copyRate = 0;
      Cpu drainCpu = null;
      for (int round = 0; round < 2; round++) {
        Cpu before = Cpu.now(postmaster);
        double rate = copyDrain(pg, rows);
        if (rate > copyRate) {
          copyRate = rate;
          drainCpu = Cpu.now(postmaster).minus(before);
        }
      }
      System.out.printf("baseline COPY drain: %,.0f rows/s, CPU %s%n", copyRate, drainCpu);

      JdbcSource source =
          JdbcSource.builder("pg")
              .url(url)
              .user(Secret.of("postgres"))
              .password(Secret.of("postgres"))
              .readMethod(method)
              .table(JdbcTable.table("public.events").timestamp("event_timestamp").build())
              .build();
      Resource resource = source.resources().get(0);

      if (!fullOnly) {
        resetPeaks();
        long t1 = System.nanoTime();
        long extracted = extractAlone(resource, Map.of());
        double sourceRate = extracted / seconds(t1);
        System.out.printf(
            "source alone (pages dropped): %,d rows, %,.0f rows/s = %.2f x COPY drain, peak heap %d"
                + " MB%n",
            extracted, sourceRate, sourceRate / copyRate, peakHeapMb());
      }

      resetPeaks();
      Cpu typedBefore = Cpu.now(postmaster);
      long t1t = System.nanoTime();
      long extractedTyped = extractTypedAlone((TypedResource) resource, Map.of());
      double typedRate = extractedTyped / seconds(t1t);
      System.out.printf(
          "source alone, typed rows (rows dropped): %,d rows, %,.0f rows/s = %.2f x COPY drain,"
              + " peak heap %d MB, CPU %s%n",
          extractedTyped,
          typedRate,
          typedRate / copyRate,
          peakHeapMb(),
          Cpu.now(postmaster).minus(typedBefore));

      if (sourceOnly) {
        return;
      }
      // Best of two full loads, each into a fresh lake with fresh staging; the second lake is
      // kept for the incremental and no-change runs.
      long checkpointRows = Long.getLong("checkpoint.rows", Pipeline.DEFAULT_CHECKPOINT_ROWS);
      double fullRate = 0;
      RunResult full = null;
      for (int round = 1; round <= 2; round++) {
        Path roundDir = dir.resolve("full-" + round);
        try (Pipeline pipeline = eventsPipeline(source, roundDir, checkpointRows)) {
          resetPeaks();
          Cpu before = Cpu.now(postmaster);
          long t2 = System.nanoTime();
          RunResult r = pipeline.run();
          double fullSeconds = seconds(t2);
          Cpu cpu = Cpu.now(postmaster).minus(before);
          double rate = r.rowsInserted() / fullSeconds;
          System.out.printf(
              "  full load %d: %,d rows in %.1f s, %,.0f rows/s = %.2f x COPY drain, peak heap %d"
                  + " MB, CPU %s%n",
              round, r.rowsInserted(), fullSeconds, rate, rate / copyRate, peakHeapMb(), cpu);
          System.out.printf("    phases: %s%n", phases(r));
          if (rate > fullRate) {
            fullRate = rate;
            full = r;
          }
        }
        if (round == 1) {
          deleteTree(roundDir);
        }
      }
      System.out.printf(
          "full load -> staging -> DuckLake (best of 2): %,d rows, %,.0f rows/s = %.2f x COPY"
              + " drain%n",
          full.rowsInserted(), fullRate, fullRate / copyRate);
      if (fullOnly) {
        return;
      }
      Path lakeDir = dir.resolve("full-2").resolve("lake");
      try (Pipeline pipeline = eventsPipeline(source, dir.resolve("full-2"), checkpointRows)) {
        double stagingSeconds =
            (full.tables().get(0).stageDurations().get("extract").toNanos()) / 1e9;
        double alternative = csvIntoDuckDb(pg, dir, rows);
        System.out.printf(
            "  alternative staging (COPY CSV to a file, then DuckDB read_csv with declared types in"
                + " one transaction, no row ids): %.1f s against %.1f s for the typed appender"
                + " extract (%.2f x)%n",
            alternative, stagingSeconds, alternative / stagingSeconds);

        long added = Math.max(1, rows / 100);
        try (Connection c = pg.getPostgresDatabase().getConnection();
            Statement s = c.createStatement()) {
          s.execute(insert(rows + 1, rows + added));
        }
        resetPeaks();
        long t3 = System.nanoTime();
        RunResult incremental = pipeline.run();
        double incSeconds = seconds(t3);
        System.out.printf(
            "incremental (+1%%): %,d rows inserted in %.2f s, %,.0f rows/s, peak heap %d MB%n",
            incremental.rowsInserted(),
            incSeconds,
            incremental.rowsInserted() / incSeconds,
            peakHeapMb());

        CursorValue watermark = pipeline.state().resource("events").watermarks().get("");
        double bare = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
          bare = Math.min(bare, bareCursorQuery(pg, (OffsetDateTime) watermark.value()));
        }
        double alone = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
          long t = System.nanoTime();
          extractAlone(resource, Map.of("", watermark));
          alone = Math.min(alone, seconds(t));
        }
        double noChange = Double.MAX_VALUE;
        long inserted = 0;
        for (int i = 0; i < 3; i++) {
          long t = System.nanoTime();
          RunResult r = pipeline.run();
          noChange = Math.min(noChange, seconds(t));
          inserted += r.rowsInserted();
        }
        double connectQuery = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
          connectQuery = Math.min(connectQuery, connectAndQuery(url, watermark));
        }
        System.out.printf(
            "no-change run (warm, same Pipeline, best of 3): pipeline %.1f ms, source alone %.1f"
                + " ms; rows inserted %d%n",
            noChange * 1000, alone * 1000, inserted);
        System.out.printf(
            "  baselines (best of 5): bare cursor query on an open connection %.1f ms (pipeline"
                + " %.1f x), connect + query + close %.1f ms (pipeline %.1f x)%n",
            bare * 1000, noChange / bare, connectQuery * 1000, noChange / connectQuery);
      }
      double cold = Double.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        cold = Math.min(cold, coldRun(url, dir.resolve("full-2").resolve("work"), lakeDir));
      }
      System.out.printf(
          "cold JVM no-change run (fresh java process, wall time, best of 3): %.0f ms%n",
          cold * 1000);
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Pipeline eventsPipeline(JdbcSource source, Path dir, long checkpointRows)
      throws java.io.IOException {
    Path lakeDir = dir.resolve("lake");
    Files.createDirectories(lakeDir);
    DuckLakeDestination lake =
        DuckLakeDestination.builder()
            .catalog(CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake")))
            .dataPath(lakeDir.resolve("data"))
            .build();
    return Pipeline.builder("jdbc-benchmark")
        .workingDirectory(dir.resolve("work"))
        .destination(lake)
        .source(source)
        .checkpointEvery(checkpointRows)
        .build();
  }

  /** The PostgreSQL server's main process (the parent of every backend). */
  private static long postmasterPid(EmbeddedPostgres pg) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return ProcessHandle.of(rs.getLong(1))
          .flatMap(ProcessHandle::parent)
          .map(ProcessHandle::pid)
          .orElse(-1L);
    }
  }

  /**
   * CPU seconds used so far by this JVM and by the PostgreSQL server (the postmaster, its live
   * backends and the backends it has reaped), read from {@code /proc}.
   */
  private record Cpu(double jvm, double postgres) {
    private static final double TICKS = 100.0;

    static Cpu now(long postmaster) {
      double jvm =
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                  .getProcessCpuTime()
              / 1e9;
      double pg = 0;
      if (postmaster > 0) {
        pg = ticks(postmaster, true);
        pg +=
            ProcessHandle.of(postmaster)
                .map(h -> h.children().mapToDouble(child -> ticks(child.pid(), false)).sum())
                .orElse(0.0);
      }
      return new Cpu(jvm, pg / TICKS);
    }

    /** utime + stime (+ cutime + cstime) of a process, in clock ticks; 0 when it is gone. */
    private static double ticks(long pid, boolean withChildren) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // Fields after the command: state is f[0], utime f[11], stime f[12], cutime f[13], cstime
        // f[14].
        double t = Double.parseDouble(f[11]) + Double.parseDouble(f[12]);
        if (withChildren) {
          t += Double.parseDouble(f[13]) + Double.parseDouble(f[14]);
        }
        return t;
      } catch (java.io.IOException | RuntimeException e) {
        return 0;
      }
    }

    Cpu minus(Cpu before) {
      return new Cpu(jvm - before.jvm, postgres - before.postgres);
    }

    @Override
    public String toString() {
      return String.format(
          "%.1f s (JVM %.1f s + PostgreSQL %.1f s)", jvm + postgres, jvm, postgres);
    }
  }

  private static String insert(long from, long to) {
    return "INSERT INTO events SELECT md5(g::text)::uuid,"
        + " (ARRAY['view', 'click', 'purchase', 'signup'])[1 + g % 4],"
        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '10 ms',"
        + " jsonb_build_object('user_id', g % 100000, 'page', '/p/' || (g % 500), 'amount',"
        + " (g % 10000) / 100.0), timestamptz '2024-01-01 00:00:02+00' + g * interval '10 ms'"
        + " FROM generate_series("
        + from
        + ", "
        + to
        + ") g";
  }

  private static double copyDrain(EmbeddedPostgres pg, long rows) throws Exception {
    long[] bytes = {0};
    OutputStream sink =
        new OutputStream() {
          @Override
          public void write(int b) {
            bytes[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            bytes[0] += len;
          }
        };
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      long t = System.nanoTime();
      long copied =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyOut(
                  "COPY (SELECT " + COLUMNS + " FROM events ORDER BY event_timestamp) TO STDOUT",
                  sink);
      double s = seconds(t);
      System.out.printf("  COPY drain: %,d rows, %,d MB in %.1f s%n", copied, bytes[0] >> 20, s);
      return copied / s;
    }
  }

  private static double bareCursorQuery(EmbeddedPostgres pg, OffsetDateTime from) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      long t = System.nanoTime();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + COLUMNS
                  + " FROM events WHERE event_timestamp >= ? ORDER BY event_timestamp")) {
        ps.setObject(1, from);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rs.getString(1);
          }
        }
      }
      return seconds(t);
    }
  }

  /**
   * The alternative to parsing COPY text in Java: {@code COPY ... TO STDOUT (FORMAT csv)} written
   * to a file, then loaded by DuckDB's {@code read_csv} with the declared column types inside one
   * transaction, into a staging-like table. Returns the seconds of both steps.
   */
  private static double csvIntoDuckDb(EmbeddedPostgres pg, Path dir, long rows) throws Exception {
    Path csv = dir.resolve("events.csv");
    Path db = dir.resolve("alternative.duckdb");
    long t = System.nanoTime();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        OutputStream out = Files.newOutputStream(csv)) {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyOut(
              "COPY (SELECT "
                  + COLUMNS
                  + " FROM events ORDER BY event_timestamp) TO STDOUT WITH (FORMAT csv)",
              out);
    }
    double drained = seconds(t);
    long loaded;
    try (Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:" + db);
        Statement s = duck.createStatement()) {
      s.execute("SET force_compression = 'uncompressed'");
      s.execute(
          "CREATE TABLE staged (event_id UUID, event_type VARCHAR, event_timestamp TIMESTAMPTZ,"
              + " details JSON, created_at TIMESTAMPTZ)");
      duck.setAutoCommit(false);
      s.execute(
          "INSERT INTO staged SELECT * FROM read_csv('"
              + csv
              + "', header = false, delim = ',', quote = '\"', escape = '\"', nullstr = '',"
              + " columns = {'event_id': 'UUID', 'event_type': 'VARCHAR', 'event_timestamp':"
              + " 'TIMESTAMPTZ', 'details': 'JSON', 'created_at': 'TIMESTAMPTZ'})");
      duck.commit();
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM staged")) {
        rs.next();
        loaded = rs.getLong(1);
      }
    }
    double total = seconds(t);
    System.out.printf(
        "  alternative: %,d of %,d rows; COPY CSV to file %.1f s, read_csv %.1f s%n",
        loaded, rows, drained, total - drained);
    Files.deleteIfExists(csv);
    Files.deleteIfExists(db);
    return total;
  }

  private static double connectAndQuery(String url, CursorValue watermark) throws Exception {
    long t = System.nanoTime();
    try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM events WHERE event_timestamp >= ? ORDER BY event_timestamp")) {
      ps.setObject(1, (OffsetDateTime) watermark.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rs.getString(1);
        }
      }
    }
    return seconds(t);
  }

  /** Runs {@link NoChangeRun} in a fresh JVM with this JVM's classpath; returns its wall time. */
  private static double coldRun(String url, Path work, Path lake) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
    String extra = System.getProperty("cold.jvm.args", "");
    if (!extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            NoChangeRun.class.getName(),
            url,
            work.toString(),
            lake.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    long t = System.nanoTime();
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    int code = p.waitFor();
    double s = seconds(t);
    if (!extra.isBlank()) {
      Files.writeString(work.resolveSibling("cold-run-output.txt"), out);
      Files.copy(
          work.resolveSibling("cold-run-output.txt"),
          Path.of(System.getProperty("java.io.tmpdir"), "ducklift-cold-run-output.txt"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    String last = out.lines().filter(l -> l.startsWith("rows inserted")).findFirst().orElse(out);
    System.out.printf("  cold run: exit %d, %s, wall %.0f ms%n", code, last, s * 1000);
    return s;
  }

  private static long extractAlone(Resource resource, Map<String, CursorValue> state)
      throws Exception {
    long[] count = {0};
    resource.extract(
        new Context(resource.spec(), state),
        page -> {
          count[0] += page.size();
          return true;
        });
    return count[0];
  }

  private static long extractTypedAlone(TypedResource resource, Map<String, CursorValue> state)
      throws Exception {
    long[] count = {0};
    resource.extractTyped(
        new Context(resource.spec(), state),
        new TypedRowSink() {
          @Override
          public void stateKey(String stateKey) {}

          @Override
          public void setLong(int column, long value) {}

          @Override
          public void setDouble(int column, double value) {}

          @Override
          public void setBoolean(int column, boolean value) {}

          @Override
          public void setEpochMicros(int column, long micros) {}

          @Override
          public void setEpochDays(int column, int days) {}

          @Override
          public void setObject(int column, Object value) {}

          @Override
          public void endRow() {
            count[0]++;
          }

          @Override
          public void discardPage() {}

          @Override
          public boolean endPage(
              String description, String stateKey, Map<String, CursorValue> positions) {
            return true;
          }
        });
    return count[0];
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  private static long peakHeapMb() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum >> 20;
  }

  private static String phases(RunResult result) {
    StringBuilder b = new StringBuilder();
    result
        .tables()
        .get(0)
        .stageDurations()
        .forEach((k, v) -> b.append(k).append(' ').append(v.toMillis()).append(" ms, "));
    return b.length() == 0 ? "" : b.substring(0, b.length() - 2);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** The context of an extraction without the runtime: the given watermarks, no lag. */
  private record Context(ResourceSpec spec, Map<String, CursorValue> values)
      implements ExtractContext {
    @Override
    public String pipelineName() {
      return "jdbc-benchmark";
    }

    @Override
    public Optional<CursorValue> lastValue(String stateKey) {
      return Optional.ofNullable(values.get(stateKey));
    }

    @Override
    public Optional<CursorValue> startValue(String stateKey) {
      return lastValue(stateKey);
    }

    @Override
    public Optional<CursorValue> endValue() {
      return Optional.empty();
    }

    @Override
    public Map<String, CursorValue> lastValues() {
      return values;
    }

    @Override
    public boolean cancelled() {
      return false;
    }
  }
}
