package dev.ducklift.benchmarks.core;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.internal.LoadManifest;
import dev.ducklift.core.internal.NormalizedTable;
import dev.ducklift.core.internal.Normalizer;
import dev.ducklift.core.internal.Staging;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time per record of normalizing and staging, on one thread, against Jackson parsing the same
 * records on the same thread.
 *
 * <p>{@link NormalizeStageBenchmark} measures the pipeline end to end in wall-clock time, which on
 * a shared machine moves with everyone else's load. This program measures what the pipeline's
 * normalizing and staging threads spend: it parses N records of {@link
 * NormalizeStageBenchmark#generate} once, then for each round times (thread CPU) Jackson parsing
 * all lines into maps, then the normalizer and a staging load writer taking those maps on one
 * thread ("inline", checkpoints committed in line), and then the same with the writer staging in
 * background as the pipeline does (the normalizing thread lays rows out; the writer's thread
 * appends and commits), with a checkpoint every 200,000 rows like the end-to-end benchmark. It
 * prints the medians of the rounds. Arguments: {@code [records] [rounds]} (default 100,000 and 9).
 */
public final class StagingCpuBenchmark {

  private static final ObjectReader MAP_READER =
      new ObjectMapper().readerFor(new TypeReference<Map<String, Object>>() {});
  private static final long CHECKPOINT_ROWS = 200_000;

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    Path dir = Files.createTempDirectory("ducklift-staging-cpu");
    try {
      Path input = dir.resolve("records.ndjson");
      NormalizeStageBenchmark.generate(input, records);
      List<byte[]> lines = new ArrayList<>();
      try (Stream<String> s = Files.lines(input)) {
        s.forEach(l -> lines.add(l.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      List<Map<String, Object>> maps = new ArrayList<>(records);
      for (byte[] line : lines) {
        maps.add(MAP_READER.readValue(line));
      }
      double[] parse = new double[rounds];
      double[] stage = new double[rounds];
      double[] checkpoints = new double[rounds];
      double[] normalizing = new double[rounds];
      double[] staging = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        long t0 = cpu();
        long fields = 0;
        for (byte[] line : lines) {
          Map<String, Object> map = MAP_READER.readValue(line);
          fields += map.size();
        }
        long t1 = cpu();
        if (fields == 0) {
          throw new IllegalStateException("No fields parsed");
        }
        long[] checkpointNanos = new long[2];
        long t2 = cpu();
        normalizeAndStage(
            maps, dir.resolve("work-" + round), "load" + round, false, checkpointNanos);
        long t3 = cpu();
        normalizeAndStage(
            maps, dir.resolve("work-bg-" + round), "bg" + round, true, checkpointNanos);
        long t4 = cpu();
        parse[round] = (t1 - t0) / 1e3 / records;
        stage[round] = (t3 - t2) / 1e3 / records;
        checkpoints[round] = checkpointNanos[0] / 1e3 / records;
        normalizing[round] = (t4 - t3) / 1e3 / records;
        staging[round] = checkpointNanos[1] / 1e3 / records;
        System.out.printf(
            "round %d: jackson %.2f us/record; inline: normalize+stage %.2f us/record"
                + " (checkpoints %.2f), ratio %.3f; background: normalizing thread %.2f,"
                + " staging thread %.2f us/record%n",
            round + 1,
            parse[round],
            stage[round],
            checkpoints[round],
            parse[round] / stage[round],
            normalizing[round],
            staging[round]);
      }
      double p = median(parse);
      double s = median(stage);
      double n = median(normalizing);
      System.out.printf("median jackson parse:        %8.2f us CPU/record%n", p);
      System.out.printf("inline, one thread:%n");
      System.out.printf("  median normalize+stage:    %8.2f us CPU/record%n", s);
      System.out.printf("  of which checkpoints:      %8.2f us CPU/record%n", median(checkpoints));
      System.out.printf("  ratio of CPU (parse/stage):%8.3f%n", p / s);
      System.out.printf("staging in background, as the pipeline does:%n");
      System.out.printf("  median normalizing thread: %8.2f us CPU/record%n", n);
      System.out.printf("  median staging thread:     %8.2f us CPU/record%n", median(staging));
      System.out.printf("  ratio of CPU (parse/normalizing thread): %8.3f%n", p / n);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /**
   * Normalizes and stages the maps; inline, adds the checkpoints' thread CPU to {@code
   * cpuNanos[0]}, in background the staging thread's CPU to {@code cpuNanos[1]}.
   */
  private static void normalizeAndStage(
      List<Map<String, Object>> maps,
      Path work,
      String loadId,
      boolean background,
      long[] cpuNanos) {
    ResourceSpec spec = ResourceSpec.builder("events").primaryKey("id").build();
    try (Staging staging = Staging.open(work);
        Staging.LoadWriter writer = staging.begin(loadId, 1)) {
      Normalizer normalizer = new Normalizer(spec, loadId, List.of(), writer);
      for (NormalizedTable t : normalizer.tables()) {
        writer.ensureTable(t);
      }
      if (background) {
        writer.stageInBackground();
      }
      for (int i = 0; i < maps.size(); i++) {
        normalizer.normalize(maps.get(i), "page", i);
        boolean last = i == maps.size() - 1;
        if (writer.rowsSinceCheckpoint() >= CHECKPOINT_ROWS || last) {
          long c0 = cpu();
          List<LoadManifest.Table> tables = new ArrayList<>();
          for (NormalizedTable t : normalizer.tables()) {
            writer.ensureTable(t);
            tables.add(new LoadManifest.Table(t.schema(), writer.rowsIncludingPending(t.name())));
          }
          LoadManifest manifest =
              new LoadManifest(
                  loadId,
                  spec.name(),
                  LoadManifest.EXTRACTING,
                  false,
                  false,
                  Map.of(),
                  WriteDisposition.APPEND,
                  normalizer.primaryKeyColumns(),
                  null,
                  tables,
                  i + 1,
                  0,
                  normalizer.schemaChanges());
          if (!background) {
            writer.checkpoint(manifest);
            cpuNanos[0] += cpu() - c0;
          } else if (last) {
            writer.checkpoint(manifest);
          } else {
            writer.checkpointInBackground(manifest);
          }
        }
      }
      if (background) {
        cpuNanos[1] += stagingThreadCpu(loadId);
      }
    }
  }

  /** The CPU time of the writer's staging thread (it ends when the writer closes). */
  private static long stagingThreadCpu(String loadId) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("ducklift-stage-" + loadId)) {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
      }
    }
    throw new IllegalStateException("No staging thread for load " + loadId);
  }

  private static long cpu() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
