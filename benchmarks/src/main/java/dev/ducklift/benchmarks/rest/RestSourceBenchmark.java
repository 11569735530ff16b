package dev.ducklift.benchmarks.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.rest.Endpoint;
import dev.ducklift.rest.Paginator;
import dev.ducklift.rest.RestClientConfig;
import dev.ducklift.rest.RestResourceConfig;
import dev.ducklift.rest.RestSource;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * REST source throughput against OkHttp + Jackson alone, on the same pages from the same server.
 *
 * <p>A loopback MockWebServer serves N records of about 1 KB as JSON pages of 1,000 ({@code
 * /events?page=n}, with {@code total_pages}); pages are generated deterministically per request, so
 * both measurements pay the same server cost. In the same JVM it measures, per round: (1) the
 * baseline, a plain OkHttp client fetching every page and Jackson parsing it into maps; (2) the
 * same pages through a {@link RestSource} resource (page-number paginator, data selector) extracted
 * alone with pages dropped, to separate the source's cost from the runtime's; (3) a pipeline
 * running that resource end to end: fetch, parse, normalize, stage into its staging DuckDB and
 * promote with insert-new into a fresh DuckLake (DuckDB-file catalog, Parquet data), one snapshot.
 * The pipeline's time is wall time including the promote. Arguments: {@code [records] [rounds]}
 * (default 1,000,000 and 2; the best round of each counts).
 */
public final class RestSourceBenchmark {
  private static final int PAGE_SIZE = 1000;
  private static final ObjectReader MAP_READER =
      new ObjectMapper().readerFor(new TypeReference<Map<String, Object>>() {});

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int pages = (records + PAGE_SIZE - 1) / PAGE_SIZE;
    Path dir = Files.createTempDirectory("ducklift-rest-bench");
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new PageDispatcher(records, pages));
      server.start(InetAddress.getLoopbackAddress(), 0);
      byte[] sample = page(1, records, pages);
      System.out.printf(
          "records: %,d  pages: %,d  page size: %,d B  avg record: %d B%n",
          records, pages, sample.length, sample.length / PAGE_SIZE);
      System.out.printf(
          "server: generating one page takes %.1f ms of CPU (paid per request in every phase)%n",
          generationMillis(records, pages));
      double bestBaseline = 0;
      double bestExtract = 0;
      double bestRest = 0;
      for (int round = 1; round <= rounds; round++) {
        long c0 = cpuNanos();
        double baseline = baseline(server, pages, records);
        long c1 = cpuNanos();
        double extract = restExtractOnly(server, records);
        long c2 = cpuNanos();
        double rest = restPipeline(server, dir.resolve("work-" + round), records);
        long c3 = cpuNanos();
        System.out.printf(
            "round %d: okhttp+jackson %,.0f records/s  rest source alone %,.0f records/s (ratio"
                + " %.3f)  rest->staging->lake %,.0f records/s (ratio %.3f)%n",
            round, baseline, extract, extract / baseline, rest, rest / baseline);
        System.out.printf(
            "  process CPU (incl. server): okhttp+jackson %.1f s  rest source alone %.1f s"
                + "  rest->staging->lake %.1f s%n",
            (c1 - c0) / 1e9, (c2 - c1) / 1e9, (c3 - c2) / 1e9);
        bestBaseline = Math.max(bestBaseline, baseline);
        bestExtract = Math.max(bestExtract, extract);
        bestRest = Math.max(bestRest, rest);
      }
      System.out.printf("okhttp + jackson only:            %,12.0f records/s%n", bestBaseline);
      System.out.printf(
          "rest source alone (no pipeline):  %,12.0f records/s  ratio %.3f%n",
          bestExtract, bestExtract / bestBaseline);
      System.out.printf(
          "rest -> staging -> lake:          %,12.0f records/s  ratio %.3f (goal >= 0.5)%n",
          bestRest, bestRest / bestBaseline);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU milliseconds the server spends generating one page (best of a few passes). */
  private static double generationMillis(int records, int pages) {
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    int sample = Math.min(pages, 50);
    double best = Double.MAX_VALUE;
    long sink = 0;
    for (int pass = 0; pass < 3; pass++) {
      long t0 = threads.getCurrentThreadCpuTime();
      for (int p = 1; p <= sample; p++) {
        sink += page(p, records, pages).length;
      }
      best = Math.min(best, (threads.getCurrentThreadCpuTime() - t0) / 1e6 / sample);
    }
    if (sink == 0) {
      throw new IllegalStateException("No pages generated");
    }
    return best;
  }

  private static double baseline(MockWebServer server, int pages, int records) throws Exception {
    OkHttpClient client = new OkHttpClient();
    long start = System.nanoTime();
    long count = 0;
    for (int page = 1; page <= pages; page++) {
      Request request = new Request.Builder().url(server.url("/events?page=" + page)).build();
      try (Response response = client.newCall(request).execute()) {
        Map<String, Object> body = MAP_READER.readValue(response.body().bytes());
        count += ((List<?>) body.get("data")).size();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    if (count != records) {
      throw new IllegalStateException("Baseline read " + count + " records, expected " + records);
    }
    return records / seconds;
  }

  private static RestSource source(MockWebServer server) {
    return RestSource.builder("bench")
        .client(
            RestClientConfig.builder(server.url("/").toString())
                .paginator(Paginator.pageNumber().withTotalPagesPath("total_pages"))
                .build())
        .resource(
            RestResourceConfig.builder("events")
                .endpoint(Endpoint.builder().path("events").dataSelector("data").build())
                .primaryKey("id")
                .writeDisposition(WriteDisposition.INSERT_NEW)
                .build())
        .build();
  }

  /** The REST source's own cost: fetch, parse, select and convert records; pages are dropped. */
  private static double restExtractOnly(MockWebServer server, int records) throws Exception {
    long[] count = {0};
    long start = System.nanoTime();
    try (RestSource source = source(server)) {
      var resource = source.resource("events");
      resource.extract(
          new NoStateContext(resource.spec()),
          page -> {
            count[0] += page.size();
            return true;
          });
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (count[0] != records) {
      throw new IllegalStateException(
          "REST source read " + count[0] + " records, expected " + records);
    }
    return records / seconds;
  }

  /** The context of a first run without state. */
  private record NoStateContext(ResourceSpec spec) implements ExtractContext {
    @Override
    public String pipelineName() {
      return "rest_bench";
    }

    @Override
    public Optional<CursorValue> lastValue(String stateKey) {
      return Optional.empty();
    }

    @Override
    public Optional<CursorValue> startValue(String stateKey) {
      return Optional.empty();
    }

    @Override
    public Optional<CursorValue> endValue() {
      return Optional.empty();
    }

    @Override
    public Map<String, CursorValue> lastValues() {
      return Map.of();
    }

    @Override
    public boolean cancelled() {
      return false;
    }
  }

  private static double restPipeline(MockWebServer server, Path work, int records) {
    RestSource source = source(server);
    long start = System.nanoTime();
    try (Pipeline pipeline =
        Pipeline.builder("rest_bench")
            .workingDirectory(work)
            .destination(
                DuckLakeDestination.builder()
                    .catalog(CatalogLocation.duckdb(work.resolve("lake/catalog.ducklake")))
                    .dataPath(work.resolve("lake/data"))
                    .build())
            .source(source)
            .checkpointEvery(200_000)
            .build()) {
      RunResult result = pipeline.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      long staged = result.table("events").orElseThrow().rowsStaged();
      if (staged != records) {
        throw new IllegalStateException(
            "Pipeline staged " + staged + " records, expected " + records);
      }
      System.out.println(
          "  stage durations: " + result.table("events").orElseThrow().stageDurations());
      return records / seconds;
    }
  }

  /** Serves {@code /events?page=n}. */
  private static final class PageDispatcher extends Dispatcher {
    private final int records;
    private final int pages;

    PageDispatcher(int records, int pages) {
      this.records = records;
      this.pages = pages;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String p = request.getUrl().queryParameter("page");
      int page = p == null ? 1 : Integer.parseInt(p);
      return new MockResponse.Builder()
          .code(200)
          .setHeader("Content-Type", "application/json")
          .body(new okio.Buffer().write(page(page, records, pages)))
          .build();
    }
  }

  private static final String[] TYPES = {"page_view", "click", "purchase", "signup", "search"};
  private static final String[] WORDS = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"
  };
  private static final String[] COUNTRIES = {"DE", "FR", "FI", "UK", "US", "BR", "JP", "IN"};
  private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");

  /** Page {@code page} (from 1): records with ids from {@code (page-1)*1000}, about 1 KB each. */
  static byte[] page(int page, int records, int pages) {
    StringBuilder sb = new StringBuilder(PAGE_SIZE * 1100);
    sb.append("{\"page\":")
        .append(page)
        .append(",\"total_pages\":")
        .append(pages)
        .append(",\"data\":[");
    int from = (page - 1) * PAGE_SIZE;
    int to = Math.min(records, from + PAGE_SIZE);
    for (int id = from; id < to; id++) {
      SplittableRandom r = new SplittableRandom(id * 7919L + 17);
      if (id > from) {
        sb.append(',');
      }
      sb.append("{\"id\":")
          .append(id)
          .append(",\"event_type\":\"")
          .append(TYPES[r.nextInt(TYPES.length)])
          .append("\",\"occurred_at\":\"")
          .append(BASE.plusMillis(id * 1000L + r.nextInt(1000)))
          .append("\",\"user\":{\"id\":")
          .append(r.nextInt(1_000_000))
          .append(",\"name\":\"")
          .append(WORDS[r.nextInt(8)])
          .append(' ')
          .append(WORDS[r.nextInt(8)])
          .append("\",\"email\":\"user")
          .append(r.nextInt(1_000_000))
          .append("@example.com\"")
          .append(",\"verified\":")
          .append(r.nextBoolean())
          .append(",\"address\":{\"street\":\"")
          .append(r.nextInt(999))
          .append(' ')
          .append(WORDS[r.nextInt(8)])
          .append(" street\",\"city\":\"")
          .append(WORDS[r.nextInt(8)])
          .append("ville\",\"zip\":\"")
          .append(10000 + r.nextInt(89999))
          .append("\",\"country\":\"")
          .append(COUNTRIES[r.nextInt(8)])
          .append("\"}},\"device\":{\"os\":\"")
          .append(WORDS[r.nextInt(8)])
          .append("os\",\"version\":\"")
          .append(r.nextInt(20))
          .append('.')
          .append(r.nextInt(10))
          .append("\",\"model\":\"model-")
          .append(r.nextInt(500))
          .append("\",\"screen_width\":")
          .append(320 + r.nextInt(3000))
          .append(",\"screen_height\":")
          .append(480 + r.nextInt(2000))
          .append('}')
          .append(",\"amount\":")
          .append(r.nextInt(100_000) / 100)
          .append('.')
          .append(10 + r.nextInt(90))
          .append(",\"currency\":\"")
          .append(r.nextBoolean() ? "EUR" : "USD")
          .append('"')
          .append(",\"tags\":[");
      int tags = r.nextInt(4);
      for (int t = 0; t < tags; t++) {
        sb.append(t == 0 ? "" : ",").append('"').append(WORDS[r.nextInt(8)]).append('"');
      }
      sb.append("],\"session\":{\"id\":\"")
          .append(Long.toHexString(r.nextLong()))
          .append("\",\"sequence\":")
          .append(r.nextInt(100))
          .append(",\"referrer\":\"https://www.example.org/")
          .append(WORDS[r.nextInt(8)])
          .append("\",\"landing_page\":\"/products/")
          .append(r.nextInt(5000))
          .append("\"}")
          .append(",\"description\":\"");
      int start = sb.length();
      while (sb.length() - start < 450) {
        sb.append(WORDS[r.nextInt(8)]).append(' ');
      }
      sb.setLength(sb.length() - 1);
      sb.append("\"}");
    }
    sb.append("]}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
