package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.internal.Staging;
import dev.ducklift.core.internal.StateStore;
import dev.ducklift.core.spi.CrashPoints;
import dev.ducklift.core.testing.DuckDbTestDestination;
import dev.ducklift.core.testing.FaultInjectingDestination;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The working directory is a cache: a kill while a run creates its files, or a store or staging
 * file that no longer opens, is recovered by the next run from the destination, unless the
 * destination cannot prove that nothing staged is lost.
 */
class LocalStateRecoveryIT {

  @TempDir Path dir;

  /** The child process: runs the pipeline once (and is halted at the configured point). */
  public static void main(String[] args) {
    try (Pipeline pipeline =
        pipeline(Path.of(args[0]), new DuckDbTestDestination(Path.of(args[1])), 10)) {
      pipeline.run();
    }
  }

  static Pipeline pipeline(Path work, dev.ducklift.core.spi.Destination destination, int rows) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 1; i <= rows; i++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", i);
      r.put("updated_at", String.format("2024-05-01T10:%02d:00Z", i));
      records.add(r);
    }
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .incremental(Incremental.on("updated_at"))
            .build();
    return Pipeline.builder("local")
        .workingDirectory(work)
        .destination(destination)
        .resource(Resources.ofRecords(spec, records, 2))
        .checkpointEveryPages(2)
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {CrashPoints.CREATING_STATE_STORE, CrashPoints.CREATING_STAGING})
  void aKillWhileTheFirstRunCreatesALocalFileIsFollowedByARunThatRestoresFromTheLake(String point)
      throws Exception {
    Path lake = dir.resolve("lake.duckdb");
    try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        Pipeline first = pipeline(dir.resolve("other-worker"), destination, 10)) {
      first.run();
    }
    Path work = dir.resolve("work");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dducklift.crash-at=" + point,
                "-cp",
                System.getProperty("java.class.path"),
                LocalStateRecoveryIT.class.getName(),
                work.toString(),
                lake.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("exit code of the child").isEqualTo(CrashPoints.EXIT_CODE);
    assertThat(names(work)).anyMatch(n -> n.endsWith(".creating"));

    try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        Pipeline again = pipeline(work, destination, 12)) {
      RunResult result = again.run();
      // the watermark came from the lake: only the row at it (cursors are inclusive) and the two
      // new rows were extracted, not all twelve
      assertThat(result.tables())
          .singleElement()
          .extracting(TableRunResult::rowsExtracted)
          .isEqualTo(3L);
      assertThat(destination.query("SELECT count(*) AS n, count(DISTINCT id) AS d FROM orders"))
          .containsExactly(Map.of("n", 12L, "d", 12L));
    }
    assertThat(names(work))
        .contains(StateStore.FILE_NAME, Staging.FILE_NAME)
        .noneMatch(n -> n.endsWith(".creating"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "truncated", "garbage"})
  void aBrokenStateStoreIsMovedAsideWithOneWarningAndTheStateRestoredFromTheLake(String damage)
      throws Exception {
    Path lake = dir.resolve("lake.duckdb");
    Path work = dir.resolve("work");
    try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        Pipeline first = pipeline(work, destination, 10)) {
      first.run();
    }
    Path store = work.resolve(StateStore.FILE_NAME);
    byte[] original = Files.readAllBytes(store);
    byte[] broken =
        switch (damage) {
          case "empty" -> new byte[0];
          case "truncated" -> Arrays.copyOf(original, 100);
          default -> {
            byte[] noise = new byte[original.length];
            new Random(13).nextBytes(noise);
            yield noise;
          }
        };
    Files.write(store, broken);

    String log =
        stderrOf(
            () -> {
              try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
                  Pipeline again = pipeline(work, destination, 12)) {
                RunResult result = again.run();
                assertThat(result.tables())
                    .singleElement()
                    .extracting(TableRunResult::rowsExtracted)
                    .isEqualTo(3L);
                assertThat(
                        destination.query(
                            "SELECT count(*) AS n, count(DISTINCT id) AS d FROM orders"))
                    .containsExactly(Map.of("n", 12L, "d", 12L));
              }
              return null;
            });
    List<String> warnings =
        log.lines().filter(l -> l.contains("WARN") && l.contains("state store")).toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains(store.toString()).contains("moved it aside");
    List<String> aside =
        names(work).stream().filter(n -> n.startsWith(StateStore.FILE_NAME + ".broken-")).toList();
    assertThat(aside).hasSize(1);
    assertThat(Files.readAllBytes(work.resolve(aside.get(0)))).isEqualTo(broken);
    try (StateStore reopened = StateStore.open(work, "local")) {
      assertThat(reopened.pipelineState().resource("orders").watermarks())
          .containsEntry("", CursorValue.of(OffsetDateTime.parse("2024-05-01T10:12:00Z")));
    }
  }

  @Test
  void aBrokenStagingFileIsReplacedWhenTheLakeHoldsEveryLoadTheJournalListed() throws Exception {
    Path lake = dir.resolve("lake.duckdb");
    Path work = dir.resolve("work");
    try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        Pipeline first = pipeline(work, destination, 10)) {
      first.run();
    }
    // without the clean marker, only the lake can vouch that nothing is pending
    Files.deleteIfExists(work.resolve(Staging.FILE_NAME + ".clean"));
    Files.write(work.resolve(Staging.FILE_NAME), "not a database".getBytes(StandardCharsets.UTF_8));

    try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        Pipeline again = pipeline(work, destination, 12)) {
      again.run();
      assertThat(destination.query("SELECT count(*) AS n, count(DISTINCT id) AS d FROM orders"))
          .containsExactly(Map.of("n", 12L, "d", 12L));
    }
    assertThat(names(work)).anyMatch(n -> n.startsWith(Staging.FILE_NAME + ".broken-"));
  }

  @Test
  void aBrokenStagingFileThatMayHoldAPendingLoadStopsTheRunWithWhatToDo() throws Exception {
    Path lake = dir.resolve("lake.duckdb");
    Path work = dir.resolve("work");
    try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        FaultInjectingDestination faulty =
            new FaultInjectingDestination(destination).failBeforeCommit(1);
        Pipeline first = pipeline(work, faulty, 10)) {
      assertThatThrownBy(first::run).isInstanceOf(RunFailedException.class);
    }
    Path staging = work.resolve(Staging.FILE_NAME);
    Files.write(staging, "not a database".getBytes(StandardCharsets.UTF_8));
    Files.deleteIfExists(work.resolve(Staging.FILE_NAME + ".wal"));

    try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        Pipeline again = pipeline(work, destination, 10)) {
      assertThatThrownBy(again::run)
          .isInstanceOf(LocalStateException.class)
          .hasMessageContaining(staging.toString())
          .hasMessageContaining("cannot prove that nothing in it is pending")
          .hasMessageContaining("(staged)")
          .hasMessageContaining("move " + staging + " (and any staging.duckdb.wal) aside");
    }
    assertThat(Files.readString(staging)).isEqualTo("not a database");

    // doing what the message says: the rows come again from the source
    Files.move(staging, work.resolve("kept-staging.duckdb"));
    try (DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        Pipeline again = pipeline(work, destination, 10)) {
      again.run();
      assertThat(destination.query("SELECT count(*) AS n, count(DISTINCT id) AS d FROM orders"))
          .containsExactly(Map.of("n", 10L, "d", 10L));
    }
  }

  @Test
  void aStateStoreHeldByAnotherRunIsNeitherMovedAsideNorShared() throws Exception {
    Path lake = dir.resolve("lake.duckdb");
    Path work = dir.resolve("work");
    try (StateStore held = StateStore.open(work, "local");
        DuckDbTestDestination destination = new DuckDbTestDestination(lake);
        Pipeline again = pipeline(work, destination, 10)) {
      assertThatThrownBy(again::run)
          .isInstanceOf(LocalStateException.class)
          .hasMessageContaining(work.resolve(StateStore.FILE_NAME).toString())
          .hasMessageContaining("in use by another process");
    }
    assertThat(names(work)).noneMatch(n -> n.contains(".broken-"));
  }

  private static List<String> names(Path directory) throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String stderrOf(Supplier<Void> action) {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.get();
    } finally {
      System.setErr(saved);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
