package dev.ducklift.benchmarks.soak;

import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.DataFile;
import dev.ducklift.ducklake.read.DeleteFile;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.read.QueryResult;
import dev.ducklift.ducklake.verify.LakeVerifier;
import dev.ducklift.ducklake.verify.VerifyReport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kills a real pipeline at random moments, many times, then checks the lake against the source row
 * for row.
 *
 * <p>An embedded PostgreSQL holds two tables that grow by a batch of rows before every run. Each
 * run is a child JVM ({@link SoakChild}: a JDBC source, a DuckLake destination with a DuckDB-file
 * catalog, one working directory) killed with SIGKILL after a random delay drawn over the length of
 * a whole run, from JVM start to exit, so kills land anywhere: while the first run creates the
 * working directory and the lake, mid-extract, at staging checkpoints, during the promote and while
 * finishing. Runs that end before their kill count as completed. After the last kill, runs go on
 * unkilled until one succeeds; then every table of the lake must hold exactly the source's rows (no
 * loss, no duplicate, same values), the lake must verify clean, and every Parquet file under the
 * data path must be referenced by the catalog.
 *
 * <p>{@code java ... KillSoak <kills> <seed> [rows per batch]}; exit code 0 when the lake matches.
 */
public final class KillSoak {

  /** The tables the source holds; each becomes one lake table. */
  static final List<String> TABLES = List.of("events", "accounts");

  private final Path dir;
  private final int kills;
  private final Random random;
  private final int rowsPerBatch;
  private final PrintStream log;

  /** What a soak did and found. */
  public record Result(
      int kills,
      int runs,
      int completedRuns,
      int failedRuns,
      long sourceRows,
      List<String> mismatches,
      VerifyReport verify,
      Set<String> unreferencedFiles,
      Duration wallTime) {

    /** Whether the lake matched the source, verified clean and held no unreferenced file. */
    public boolean passed() {
      return mismatches.isEmpty() && verify.isClean() && unreferencedFiles.isEmpty();
    }
  }

  public KillSoak(Path dir, int kills, long seed, int rowsPerBatch, PrintStream log) {
    this.dir = dir;
    this.kills = kills;
    this.random = new Random(seed);
    this.rowsPerBatch = rowsPerBatch;
    this.log = log;
  }

  public static void main(String[] args) throws Exception {
    int kills = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
    Path dir = Files.createTempDirectory("ducklift-kill-soak");
    Result r = new KillSoak(dir, kills, seed, rows, System.out).run();
    System.out.printf(
        "kills %d, runs %d (completed %d, failed %d), source rows %,d, wall time %.1f s,"
            + " mismatches %d, verify %s, unreferenced files %d: %s%n",
        r.kills(),
        r.runs(),
        r.completedRuns(),
        r.failedRuns(),
        r.sourceRows(),
        r.wallTime().toMillis() / 1000.0,
        r.mismatches().size(),
        r.verify().isClean() ? "clean" : r.verify().problems(),
        r.unreferencedFiles().size(),
        r.passed() ? "PASSED" : "FAILED " + r.mismatches());
    System.exit(r.passed() ? 0 : 1);
  }

  /** Runs the soak; returns what it found. */
  public Result run() throws Exception {
    long start = System.nanoTime();
    Path work = dir.resolve("work");
    Path lake = dir.resolve("lake");
    Files.createDirectories(lake);
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        for (String t : TABLES) {
          s.execute(
              "CREATE TABLE "
                  + t
                  + " (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2),"
                  + " flag boolean, created_at timestamptz NOT NULL)");
        }
      }
      long nextId = 1;
      int runs = 0;
      int completed = 0;
      int failed = 0;
      int killed = 0;
      // a run's length from JVM start to exit: learnt from the runs that complete, and grown
      // while runs are killed late without completing (a loaded machine runs slower)
      double runMillis = 8000;
      while (killed < kills) {
        nextId = insertBatch(pg, nextId);
        long delay = (long) (random.nextDouble() * runMillis * 1.2);
        long t0 = System.nanoTime();
        Process child = start(url, work, lake, runs);
        runs++;
        boolean ended = child.waitFor(delay, TimeUnit.MILLISECONDS);
        if (!ended) {
          child.destroyForcibly();
          child.waitFor();
          killed++;
          if (delay > runMillis * 0.75) {
            runMillis *= 1.15;
          }
          log.printf("run %d: killed after %d ms%n", runs, delay);
        } else {
          long took = (System.nanoTime() - t0) / 1_000_000;
          if (child.exitValue() == 0) {
            completed++;
            runMillis = runMillis * 0.7 + took * 0.3;
          } else {
            failed++;
          }
          log.printf(
              "run %d: ended with exit code %d after %d ms%n", runs, child.exitValue(), took);
          if (child.exitValue() != 0) {
            log.print(Files.readString(dir.resolve("child-" + (runs - 1) + ".log")));
          }
        }
      }
      // then to completion: the next unkilled run must succeed
      long t0 = System.nanoTime();
      Process last = start(url, work, lake, runs);
      runs++;
      if (!last.waitFor(10, TimeUnit.MINUTES)) {
        last.destroyForcibly();
      }
      int code = last.exitValue();
      log.printf(
          "final run %d: exit code %d after %d ms (kills drawn over %.0f ms)%n",
          runs, code, (System.nanoTime() - t0) / 1_000_000, runMillis * 1.2);
      if (code == 0) {
        completed++;
      } else {
        failed++;
        log.print(Files.readString(dir.resolve("child-" + (runs - 1) + ".log")));
      }
      Result result =
          compare(
              pg,
              lake,
              killed,
              runs,
              completed,
              failed,
              Duration.ofNanos(System.nanoTime() - start));
      return result;
    }
  }

  private long insertBatch(EmbeddedPostgres pg, long from) throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      for (String t : TABLES) {
        s.execute(
            "INSERT INTO "
                + t
                + " SELECT i, 'name ' || i || ' ' || md5(i::text), (i % 100000) / 100.0,"
                + " i % 3 = 0, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second'"
                + " FROM generate_series("
                + from
                + ", "
                + (from + rowsPerBatch - 1)
                + ") i");
      }
    }
    return from + rowsPerBatch;
  }

  private Process start(String url, Path work, Path lake, int run) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SoakChild.class.getName());
    cmd.add(url);
    cmd.add(work.toString());
    cmd.add(lake.toString());
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("child-" + run + ".log").toFile())
        .start();
  }

  private Result compare(
      EmbeddedPostgres pg,
      Path lakeDir,
      int killed,
      int runs,
      int completed,
      int failed,
      Duration wall)
      throws Exception {
    List<String> mismatches = new ArrayList<>();
    long sourceRows = 0;
    VerifyReport verify;
    Set<String> unreferenced = new TreeSet<>();
    try (DuckLake lake =
            DuckLake.openReadOnly(
                CatalogLocation.duckdb(lakeDir.resolve(SoakChild.CATALOG)),
                lakeDir.resolve("data"));
        LakeReader reader = LakeReader.open(lake);
        LakeSession session = reader.latest()) {
      for (String t : TABLES) {
        List<String> expected = new ArrayList<>();
        try (Connection c = pg.getPostgresDatabase().getConnection();
            Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT id || '|' || name || '|' || amount::text || '|' || flag::text || '|'"
                        + " || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
                        + " FROM "
                        + t
                        + " ORDER BY id")) {
          while (rs.next()) {
            expected.add(rs.getString(1));
          }
        }
        sourceRows += expected.size();
        QueryResult rows =
            session.sql(
                "SELECT id || '|' || name || '|' || CAST(amount AS VARCHAR) || '|'"
                    + " || CAST(flag AS VARCHAR) || '|'"
                    + " || strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S')"
                    + " FROM main."
                    + t
                    + " ORDER BY id");
        List<String> actual = new ArrayList<>();
        for (List<Object> row : rows.rows()) {
          actual.add(String.valueOf(row.get(0)));
        }
        if (!actual.equals(expected)) {
          mismatches.add(describe(t, expected, actual));
        }
      }
      verify = LakeVerifier.verify(reader);
      Set<String> referenced = new TreeSet<>();
      for (DataFile f : reader.allDataFiles()) {
        referenced.add(Path.of(f.path()).getFileName().toString());
      }
      for (DeleteFile f : reader.allDeleteFiles()) {
        referenced.add(Path.of(f.path()).getFileName().toString());
      }
      try (Stream<Path> files = Files.walk(lakeDir.resolve("data"))) {
        files
            .filter(p -> p.getFileName().toString().endsWith(".parquet"))
            .forEach(p -> unreferenced.add(p.getFileName().toString()));
      }
      unreferenced.removeAll(referenced);
    }
    return new Result(
        killed, runs, completed, failed, sourceRows, mismatches, verify, unreferenced, wall);
  }

  private static String describe(String table, List<String> expected, List<String> actual) {
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    List<String> extra = new ArrayList<>(actual);
    for (String e : expected) {
      extra.remove(e);
    }
    return table
        + ": source "
        + expected.size()
        + " rows, lake "
        + actual.size()
        + "; missing "
        + missing.stream().limit(5).toList()
        + (missing.size() > 5 ? " (" + missing.size() + ")" : "")
        + ", extra or duplicated "
        + extra.stream().limit(5).toList()
        + (extra.size() > 5 ? " (" + extra.size() + ")" : "");
  }
}
