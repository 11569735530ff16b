package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.spi.CrashPoints;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a real child JVM at each crash point of the runtime, then runs the same pipeline again: the
 * destination must end exactly as after one clean run.
 */
class CrashPointsIT {

  @TempDir Path dir;

  /** The child process: runs the pipeline once (and is halted at the configured point). */
  public static void main(String[] args) {
    Path work = Path.of(args[0]);
    Path lake = Path.of(args[1]);
    try (Pipeline pipeline = pipeline(work, new DuckDbTestDestination(lake))) {
      pipeline.run();
    }
  }

  static Pipeline pipeline(Path work, DuckDbTestDestination lake) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", i);
      r.put("updated_at", String.format("2024-05-01T10:%02d:00Z", i));
      r.put("tags", List.of("t" + i, "u" + i));
      records.add(r);
    }
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .incremental(Incremental.on("updated_at"))
            .build();
    return Pipeline.builder("crash")
        .workingDirectory(work)
        .destination(lake)
        .resource(Resources.ofRecords(spec, records, 2))
        .checkpointEveryPages(2)
        .build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        CrashPoints.MID_EXTRACT,
        CrashPoints.AFTER_STAGING_COMMIT,
        CrashPoints.BEFORE_PROMOTE,
        CrashPoints.AFTER_PROMOTE_BEFORE_FINISH,
        CrashPoints.DURING_CLEANUP,
        CrashPoints.AFTER_FINISH
      })
  void aRunKilledAtACrashPointThenRunAgainLeavesTheLakeAsOneCleanRun(String point)
      throws Exception {
    Path work = dir.resolve("work");
    Path lake = dir.resolve("lake.duckdb");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dducklift.crash-at=" + point,
                "-cp",
                System.getProperty("java.class.path"),
                CrashPointsIT.class.getName(),
                work.toString(),
                lake.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("exit code of the child").isEqualTo(CrashPoints.EXIT_CODE);

    try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        Pipeline again = pipeline(work, destination)) {
      again.run();
      assertThat(destination.query("SELECT count(*) AS n, count(DISTINCT id) AS d FROM orders"))
          .containsExactly(Map.of("n", 10L, "d", 10L));
      assertThat(destination.count("orders__tags")).isEqualTo(20);
      List<String> loads = destination.committedLoads("crash");
      assertThat(loads).doesNotHaveDuplicates();
      assertThat(destination.restoreState("crash").orElseThrow().resource("orders").watermarks())
          .containsEntry(
              "", CursorValue.of(java.time.OffsetDateTime.parse("2024-05-01T10:10:00Z")));
    }
  }
}
