package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.spi.CrashPoints;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM at every named crash point, for append, insert-new and merge (and merge
 * into a partitioned table), then runs the pipeline again in this JVM: the lake must then hold
 * exactly the rows of one clean run, pass verification and hold no Parquet file that no commit
 * references.
 */
class CrashRecoveryIT {
  private static final List<String> POINTS =
      Stream.concat(
              Stream.of(
                  CrashPoints.MID_EXTRACT,
                  CrashPoints.AFTER_STAGING_COMMIT,
                  CrashPoints.BEFORE_PROMOTE,
                  CrashPoints.AFTER_PROMOTE_BEFORE_FINISH,
                  CrashPoints.DURING_CLEANUP,
                  CrashPoints.AFTER_FINISH),
              DuckLakeDestination.CRASH_POINTS.stream())
          .toList();

  private static final List<WriteDisposition> DISPOSITIONS =
      List.of(WriteDisposition.APPEND, WriteDisposition.INSERT_NEW, WriteDisposition.MERGE);

  @TempDir Path dir;

  @Test
  void aRunKilledAtAnyCrashPointThenRunAgainLeavesTheLakeOfOneCleanRun() throws Exception {
    assertThat(POINTS).hasSizeGreaterThanOrEqualTo(12);
    List<String[]> scenarios = new ArrayList<>();
    List<String> variants = new ArrayList<>();
    DISPOSITIONS.forEach(d -> variants.add(d.configName()));
    variants.add(PARTITIONED_MERGE);
    for (String variant : variants) {
      WriteDisposition d = disposition(variant);
      Path template = dir.resolve("template-" + variant);
      CrashScenario.run(
          template.resolve("lake"), template.resolve("work"), d, "A", partitioned(variant));
      for (String point : POINTS) {
        Path scenario = dir.resolve(variant + "-" + point);
        copy(template, scenario);
        scenarios.add(new String[] {variant, point, scenario.toString()});
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<String>> outcomes = new ArrayList<>();
    for (String[] s : scenarios) {
      outcomes.add(pool.submit(() -> scenario(s[0], s[1], Path.of(s[2]))));
    }
    List<String> failures = new ArrayList<>();
    for (Future<String> f : outcomes) {
      String failure = f.get(5, TimeUnit.MINUTES);
      if (failure != null) {
        failures.add(failure);
      }
    }
    pool.shutdown();
    assertThat(failures).isEmpty();
  }

  private static final String PARTITIONED_MERGE = "merge-partitioned";

  private static WriteDisposition disposition(String variant) {
    return variant.equals(PARTITIONED_MERGE)
        ? WriteDisposition.MERGE
        : WriteDisposition.fromConfigName(variant);
  }

  private static boolean partitioned(String variant) {
    return variant.equals(PARTITIONED_MERGE);
  }

  /** Runs one scenario; returns a description of what is wrong, or {@code null}. */
  private String scenario(String variant, String point, Path scenario) {
    WriteDisposition d = disposition(variant);
    boolean partitioned = partitioned(variant);
    String label = variant + " killed at " + point + ": ";
    Path lakeDir = scenario.resolve("lake");
    Path workDir = scenario.resolve("work");
    try {
      int exit = child(lakeDir, workDir, variant, point, scenario.resolve("child.log"));
      if (exit != CrashPoints.EXIT_CODE) {
        return label
            + "the child exited with "
            + exit
            + " instead of crashing: "
            + Files.readString(scenario.resolve("child.log"));
      }
      CrashScenario.run(lakeDir, workDir, d, "B", partitioned);
      return check(d, lakeDir, partitioned);
    } catch (Exception | AssertionError e) {
      return label + e;
    }
  }

  private static int child(Path lake, Path work, String variant, String point, Path log)
      throws IOException, InterruptedException {
    WriteDisposition d = disposition(variant);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                ChildJvm.command(
                    CrashChild.class,
                    List.of("-Dducklift.crash-at=" + point),
                    List.of(
                        lake.toString(),
                        work.toString(),
                        d.configName(),
                        "B",
                        partitioned(variant) ? "partitioned" : "plain")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("The child process did not finish within 2 minutes");
    }
    return p.exitValue();
  }

  private static String check(WriteDisposition d, Path lakeDir, boolean partitioned) {
    List<CrashScenario.Event> expected = CrashScenario.expected(d);
    List<String> parents = new ArrayList<>();
    List<String> children = new ArrayList<>();
    for (CrashScenario.Event e : expected) {
      parents.add(e.id() + "|" + e.ts() + "|" + e.value());
      for (String sku : e.items()) {
        children.add(e.id() + "|" + sku);
      }
    }
    children.sort(null);
    try (DuckLake lake =
        DuckLake.open(
            CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake")), lakeDir.resolve("data"))) {
      assertThat(LakeRows.query(lake, "SELECT id, ts, value FROM main.events ORDER BY id, value"))
          .as("parent rows")
          .containsExactlyElementsOf(parents);
      assertThat(
              LakeRows.query(
                  lake,
                  "SELECT o.id || '|' || i.sku FROM main.events o JOIN main.events__items i"
                      + " ON i._dl_parent_id = o._dl_id ORDER BY 1"))
          .as("child rows")
          .containsExactlyElementsOf(children);
      assertThat(LakeRows.query(lake, "SELECT count(*) FROM main.events__items"))
          .as("child rows without parent")
          .containsExactly(Integer.toString(children.size()));
      if (partitioned) {
        // every live file of the root table sits in the hive directory of its shard
        assertThat(
                catalogRow(
                    lake,
                    "SELECT count(*), count(*) FILTER (WHERE f.path LIKE 'shard=' ||"
                        + " v.partition_value || '/ducklake-%.parquet') FROM "
                        + lake.catalog().table("ducklake_data_file")
                        + " f JOIN "
                        + lake.catalog().table("ducklake_file_partition_value")
                        + " v ON v.data_file_id = f.data_file_id JOIN "
                        + lake.catalog().table("ducklake_table")
                        + " t ON t.table_id = f.table_id AND t.end_snapshot IS NULL"
                        + " WHERE t.table_name = 'events' AND f.end_snapshot IS NULL"))
            .satisfies(r -> assertThat(r.get(1)).isEqualTo(r.get(0)).isNotEqualTo("0"));
      }
      LakeRows.assertVerifies(lake);
      Set<String> referenced = LakeCatalog.referencedFileNames(lake);
      Set<String> onDisk = new TreeSet<>();
      try (Stream<Path> files = Files.walk(lakeDir.resolve("data"))) {
        files
            .filter(p -> p.getFileName().toString().endsWith(".parquet"))
            .forEach(p -> onDisk.add(p.getFileName().toString()));
      }
      onDisk.removeAll(referenced);
      assertThat(onDisk).as("Parquet files no commit references").isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return null;
  }

  private static List<String> catalogRow(DuckLake lake, String sql) {
    try (java.sql.Connection c = lake.catalog().connect();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        row.add(rs.getString(i));
      }
      return row;
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
