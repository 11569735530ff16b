package dev.ducklift.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.catalog.CatalogBusyException;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DuckDB-file catalog is open in one process at a time: Ducklift holds it only for a commit or a
 * read, and waits (up to the busy timeout) for a catalog another process holds.
 */
class CatalogContentionIT {

  @TempDir Path dir;

  /**
   * Child: in directory {@code args[0]}, runs {@code ducklift query} on its lake {@code args[1]}
   * times.
   */
  public static final class QueryLoop {
    public static void main(String[] args) {
      int failures = 0;
      for (int i = 0; i < Integer.parseInt(args[1]); i++) {
        CliRunner.Result r =
            CliRunner.run(
                Path.of(args[0]),
                "query",
                "SELECT count(*) AS n FROM main.events",
                "--lake",
                "lake",
                "--json");
        System.out.println("query " + i + ": exit " + r.code() + " " + r.out().trim());
        if (r.code() != 0) {
          failures++;
          System.out.println(r.err());
        }
      }
      System.exit(failures == 0 ? 0 : 1);
    }
  }

  /** Child: opens the DuckDB file {@code args[0]}, says so, and keeps it {@code args[1]} ms. */
  public static final class HoldFile {
    public static void main(String[] args) throws Exception {
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0]);
          Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        System.out.println("held");
        System.out.flush();
        Thread.sleep(Long.parseLong(args[1]));
      }
    }
  }

  private Pipeline pipeline(int batch, Duration busyTimeout) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", batch * 50 + i);
      r.put("batch", batch);
      records.add(r);
    }
    ResourceSpec spec =
        ResourceSpec.builder("events").writeDisposition(WriteDisposition.APPEND).build();
    return Pipeline.builder("contention")
        .workingDirectory(dir.resolve("work"))
        .destination(
            DuckLakeDestination.builder()
                .catalog(CatalogLocation.duckdb(dir.resolve("lake").resolve("catalog.ducklake")))
                .dataPath(dir.resolve("lake").resolve("data"))
                .busyTimeout(busyTimeout)
                .build())
        .resource(Resources.ofRecords(spec, records, 50))
        .build();
  }

  private static Process child(Class<?> main, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Test
  void aQueryLoopInOneProcessAndPromotesInAnotherBothSucceed() throws Exception {
    Files.createDirectories(dir.resolve("lake"));
    try (Pipeline first = pipeline(0, Duration.ofSeconds(30))) {
      first.run();
    }
    Process reader = child(QueryLoop.class, dir.toString(), "15");
    StringBuilder readerOutput = new StringBuilder();
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  synchronized (readerOutput) {
                    readerOutput.append(line).append('\n');
                  }
                }
              } catch (java.io.IOException e) {
                // the child is gone
              }
            });
    drain.start();
    int batches = 1;
    // promote while the reader runs its queries
    while (reader.isAlive() && batches < 40) {
      try (Pipeline run = pipeline(batches, Duration.ofSeconds(30))) {
        run.run();
      }
      batches++;
    }
    assertThat(reader.waitFor(5, TimeUnit.MINUTES)).isTrue();
    drain.join();
    assertThat(reader.exitValue()).as(readerOutput.toString()).isZero();
    assertThat(readerOutput.toString()).contains("query 14: exit 0");
    CliRunner.Result total =
        CliRunner.run(dir, "query", "SELECT count(*) AS n FROM main.events", "--lake", "lake");
    assertThat(total.code()).as(total.toString()).isZero();
    assertThat(total.out()).contains(Integer.toString(batches * 50));
  }

  @Test
  void aCatalogHeldPastTheBusyTimeoutFailsSayingItIsInUseAndWhatSharesALake() throws Exception {
    Files.createDirectories(dir.resolve("lake"));
    try (Pipeline first = pipeline(0, Duration.ofSeconds(30))) {
      first.run();
    }
    Path catalog = dir.resolve("lake").resolve("catalog.ducklake");
    Process holder = child(HoldFile.class, catalog.toString(), "600000");
    try {
      awaitHeld(holder);
      long t0 = System.nanoTime();
      CliRunner.Result query =
          CliRunner.run(dir, "query", "SELECT 1", "--lake", "lake", "--busy-timeout", "1500ms");
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertThat(query.code()).as(query.toString()).isEqualTo(6);
      assertThat(query.err())
          .contains(catalog.toString())
          .contains("is in use by another process")
          .contains("1500 ms")
          .contains("use a PostgreSQL catalog");
      assertThat(waited).isGreaterThanOrEqualTo(1500);

      try (Pipeline run = pipeline(1, Duration.ofSeconds(1))) {
        assertThatThrownBy(run::run)
            .satisfies(
                e -> {
                  Throwable t = e;
                  while (t != null && !(t instanceof CatalogBusyException)) {
                    t = t.getCause();
                  }
                  assertThat(t).as("a CatalogBusyException in the chain of " + e).isNotNull();
                  assertThat(t.getMessage()).contains("in use by another process");
                });
      }
    } finally {
      holder.destroyForcibly();
      holder.waitFor();
    }
  }

  @Test
  void aCatalogHeldBrieflyByAnotherProcessIsWaitedFor() throws Exception {
    Files.createDirectories(dir.resolve("lake"));
    try (Pipeline first = pipeline(0, Duration.ofSeconds(30))) {
      first.run();
    }
    Process holder =
        child(HoldFile.class, dir.resolve("lake").resolve("catalog.ducklake").toString(), "2000");
    awaitHeld(holder);
    try (Pipeline run = pipeline(1, Duration.ofSeconds(60))) {
      run.run();
    }
    assertThat(holder.waitFor(1, TimeUnit.MINUTES)).isTrue();
    CliRunner.Result total =
        CliRunner.run(dir, "query", "SELECT count(*) AS n FROM main.events", "--lake", "lake");
    assertThat(total.out()).contains("100");
  }

  private static void awaitHeld(Process holder) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    String line = in.readLine();
    assertThat(line).as("the holder's first line").isEqualTo("held");
  }
}
