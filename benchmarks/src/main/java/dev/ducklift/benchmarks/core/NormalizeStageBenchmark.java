package dev.ducklift.benchmarks.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ducklift.core.Page;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.TableRunResult;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.core.spi.StagedTable;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Normalization + staging throughput against Jackson alone, on the same bytes.
 *
 * <p>Generates N nested JSON records of about 1 KB (newline-delimited, deterministic seed) into a
 * temporary file, then measures, in the same JVM: (1) Jackson parsing every line into a {@code Map}
 * (the baseline); (2) a pipeline that parses the same lines the same way and normalizes and stages
 * them into its staging DuckDB (promote goes to a destination that only counts). Reports records/s
 * of both and their ratio. Arguments: {@code [records] [rounds]} (default 1,000,000 and 2; the best
 * round of each counts).
 */
public final class NormalizeStageBenchmark {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectReader MAP_READER =
      MAPPER.readerFor(new TypeReference<Map<String, Object>>() {});
  private static final int PAGE_SIZE = 1000;

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path dir = Files.createTempDirectory("ducklift-normalize-bench");
    try {
      Path input = dir.resolve("records.ndjson");
      long bytes = generate(input, records);
      System.out.printf(
          "records: %,d  bytes: %,d  avg record: %d B%n", records, bytes, bytes / records);
      double bestJackson = 0;
      double bestPipeline = 0;
      double bestJacksonCpu = 0;
      double bestPipelineCpu = 0;
      long childRows = 0;
      for (int round = 1; round <= rounds; round++) {
        long cpu0 = processCpuNanos();
        double jackson = jacksonOnly(input, records);
        long cpu1 = processCpuNanos();
        Result pipeline = pipeline(input, dir.resolve("work-" + round));
        long cpu2 = processCpuNanos();
        double jacksonCpu = records / ((cpu1 - cpu0) / 1e9);
        double pipelineCpu = records / ((cpu2 - cpu1) / 1e9);
        childRows = pipeline.childRows;
        System.out.printf(
            "round %d: jackson %,.0f records/s  normalize+stage %,.0f records/s (%,d child rows);"
                + " per CPU-second: %,.0f vs %,.0f%n",
            round, jackson, pipeline.recordsPerSecond, pipeline.childRows, jacksonCpu, pipelineCpu);
        bestJackson = Math.max(bestJackson, jackson);
        bestPipeline = Math.max(bestPipeline, pipeline.recordsPerSecond);
        bestJacksonCpu = Math.max(bestJacksonCpu, jacksonCpu);
        bestPipelineCpu = Math.max(bestPipelineCpu, pipelineCpu);
      }
      System.out.printf("jackson parse only:          %,12.0f records/s%n", bestJackson);
      System.out.printf("parse+normalize+stage:       %,12.0f records/s%n", bestPipeline);
      System.out.printf("child rows per run:          %,12d%n", childRows);
      System.out.printf("ratio (goal >= 0.35):        %12.3f%n", bestPipeline / bestJackson);
      // On a shared machine wall-clock figures swing with other load; CPU time does much less.
      System.out.printf("ratio per CPU-second:        %12.3f%n", bestPipelineCpu / bestJacksonCpu);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double jacksonOnly(Path input, int records) throws IOException {
    long start = System.nanoTime();
    long fields = 0;
    try (LineReader lines = new LineReader(Files.newInputStream(input))) {
      byte[] line;
      while ((line = lines.next()) != null) {
        Map<String, Object> map = MAP_READER.readValue(line, 0, lines.length());
        fields += map.size();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (fields == 0) {
      throw new IllegalStateException("No fields parsed");
    }
    return records / seconds;
  }

  private record Result(double recordsPerSecond, long childRows) {}

  private static Result pipeline(Path input, Path work) {
    ResourceSpec spec = ResourceSpec.builder("events").primaryKey("id").build();
    var resource =
        Resources.fromFunction(
            spec,
            (context, pages) -> {
              try (LineReader lines = new LineReader(Files.newInputStream(input))) {
                List<Map<String, Object>> batch = new ArrayList<>(PAGE_SIZE);
                byte[] line;
                int page = 0;
                while ((line = lines.next()) != null) {
                  batch.add(MAP_READER.readValue(line, 0, lines.length()));
                  if (batch.size() == PAGE_SIZE) {
                    pages.accept(new Page(batch, "page " + (++page)));
                    batch = new ArrayList<>(PAGE_SIZE);
                  }
                }
                if (!batch.isEmpty()) {
                  pages.accept(new Page(batch, "page " + (++page)));
                }
              }
            });
    try (Pipeline pipeline =
        Pipeline.builder("bench")
            .workingDirectory(work)
            .destination(new CountingDestination())
            .resource(resource)
            .checkpointEvery(200_000)
            .build()) {
      RunResult result = pipeline.run();
      TableRunResult root = result.table("events").orElseThrow();
      Map<String, Duration> d = root.stageDurations();
      double seconds = d.get("extract").toNanos() / 1e9;
      long children =
          result.tables().stream()
              .filter(t -> !t.table().equals("events"))
              .mapToLong(TableRunResult::rowsStaged)
              .sum();
      System.out.println("  stage durations: " + d);
      return new Result(root.rowsStaged() / seconds, children);
    }
  }

  /** Generates newline-delimited records of about 1 KB each. */
  static long generate(Path file, int records) throws IOException {
    SplittableRandom random = new SplittableRandom(20240501L);
    String[] types = {"page_view", "click", "purchase", "signup", "logout", "search"};
    String[] countries = {"DE", "FR", "FI", "UK", "US", "BR", "JP", "IN"};
    String[] os = {"android", "ios", "linux", "windows", "macos"};
    String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
    Instant base = Instant.parse("2024-01-01T00:00:00Z");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(2048);
      for (int i = 0; i < records; i++) {
        line.reset();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(line)) {
          g.writeStartObject();
          g.writeNumberField("id", i);
          g.writeStringField("event_type", types[random.nextInt(types.length)]);
          g.writeStringField(
              "occurred_at", base.plusMillis(i * 1000L + random.nextInt(1000)).toString());
          g.writeObjectFieldStart("user");
          g.writeNumberField("id", random.nextInt(1_000_000));
          g.writeStringField("name", words[random.nextInt(8)] + " " + words[random.nextInt(8)]);
          g.writeStringField("email", "user" + random.nextInt(1_000_000) + "@example.com");
          g.writeBooleanField("verified", random.nextBoolean());
          g.writeObjectFieldStart("address");
          g.writeStringField(
              "street", random.nextInt(999) + " " + words[random.nextInt(8)] + " street");
          g.writeStringField("city", words[random.nextInt(8)] + "ville");
          g.writeStringField("zip", String.format("%05d", random.nextInt(100000)));
          g.writeStringField("country", countries[random.nextInt(countries.length)]);
          g.writeEndObject();
          g.writeEndObject();
          g.writeObjectFieldStart("device");
          g.writeStringField("os", os[random.nextInt(os.length)]);
          g.writeStringField("version", random.nextInt(20) + "." + random.nextInt(10));
          g.writeStringField("model", "model-" + random.nextInt(500));
          g.writeNumberField("screen_width", 320 + random.nextInt(3000));
          g.writeNumberField("screen_height", 480 + random.nextInt(2000));
          g.writeEndObject();
          g.writeNumberField("amount", random.nextInt(100_000) / 100.0);
          g.writeStringField("currency", random.nextBoolean() ? "EUR" : "USD");
          g.writeArrayFieldStart("tags");
          int tags = random.nextInt(4);
          for (int t = 0; t < tags; t++) {
            g.writeString(words[random.nextInt(8)]);
          }
          g.writeEndArray();
          g.writeArrayFieldStart("items");
          int items = 1 + random.nextInt(3);
          for (int t = 0; t < items; t++) {
            g.writeStartObject();
            g.writeStringField("sku", "SKU-" + random.nextInt(10_000));
            g.writeNumberField("qty", 1 + random.nextInt(5));
            g.writeNumberField("price", random.nextInt(10_000) / 100.0);
            g.writeStringField("name", words[random.nextInt(8)] + " " + words[random.nextInt(8)]);
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeObjectFieldStart("session");
          g.writeStringField("id", Long.toHexString(random.nextLong()));
          g.writeNumberField("sequence", random.nextInt(100));
          g.writeStringField("referrer", "https://www.example.org/" + words[random.nextInt(8)]);
          g.writeStringField("landing_page", "/products/" + random.nextInt(5000));
          g.writeEndObject();
          StringBuilder text = new StringBuilder();
          while (text.length() < 230) {
            text.append(words[random.nextInt(8)]).append(' ');
          }
          g.writeStringField("description", text.toString().trim());
          g.writeEndObject();
        }
        line.writeTo(out);
        out.write('\n');
      }
    }
    return Files.size(file);
  }

  /** Reads newline-delimited lines into a reused buffer, scanning large chunks. */
  private static final class LineReader implements AutoCloseable {
    private final InputStream in;
    private final byte[] chunk = new byte[1 << 20];
    private int position;
    private int limit;
    private byte[] line = new byte[4096];
    private int length;

    LineReader(InputStream in) {
      this.in = in;
    }

    byte[] next() throws IOException {
      length = 0;
      while (true) {
        if (position == limit) {
          limit = in.read(chunk, 0, chunk.length);
          position = 0;
          if (limit <= 0) {
            limit = 0;
            return length > 0 ? line : null;
          }
        }
        int end = position;
        while (end < limit && chunk[end] != '\n') {
          end++;
        }
        int count = end - position;
        if (length + count > line.length) {
          line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(chunk, position, line, length, count);
        length += count;
        position = end;
        if (end < limit) {
          position++;
          return line;
        }
      }
    }

    int length() {
      return length;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Accepts every load without writing it anywhere, so only normalization and staging count. */
  private static final class CountingDestination implements Destination {
    @Override
    public String name() {
      return "counting";
    }

    @Override
    public Optional<PipelineState> restoreState(String pipelineName) {
      return Optional.empty();
    }

    @Override
    public boolean isCommitted(String pipelineName, String loadId) {
      return false;
    }

    @Override
    public PromoteResult promote(StagedLoad load) {
      List<PromoteResult.TableWriteResult> tables = new ArrayList<>();
      for (StagedTable t : load.tables()) {
        tables.add(new PromoteResult.TableWriteResult(t.name(), t.rowCount(), 0, 0, 0, "counted"));
      }
      return new PromoteResult(OptionalLong.empty(), false, tables);
    }

    @Override
    public void close() {}
  }
}
