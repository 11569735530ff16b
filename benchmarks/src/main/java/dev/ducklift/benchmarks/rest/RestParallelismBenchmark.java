package dev.ducklift.benchmarks.rest;

import dev.ducklift.core.Pipeline;
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
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * What extracting resources concurrently buys against an API that answers slowly: a loopback
 * MockWebServer serves R resources of P pages of 100 small records, each response held back for L
 * ms (a remote API's latency). The same REST source runs end to end (fetch, parse, normalize,
 * stage, promote into a fresh DuckLake with a DuckDB-file catalog) with pipeline parallelism 1 and
 * then with parallelism N, alternately, and the program prints the wall times, their ratio and the
 * most requests the server had in flight at once. Arguments: {@code [resources] [pages]
 * [latencyMillis] [parallelism] [rounds]} (default 8, 20, 50, 4, 2).
 */
public final class RestParallelismBenchmark {
  private static final int RECORDS_PER_PAGE = 100;

  public static void main(String[] args) throws Exception {
    int resources = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int pages = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long latency = args.length > 2 ? Long.parseLong(args[2]) : 50;
    int parallelism = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    Path dir = Files.createTempDirectory("ducklift-rest-parallel-bench");
    LatencyDispatcher dispatcher = new LatencyDispatcher(pages, latency);
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(dispatcher);
      server.start(InetAddress.getLoopbackAddress(), 0);
      System.out.printf(
          "resources: %d  pages each: %d  records per page: %d  latency: %d ms%n",
          resources, pages, RECORDS_PER_PAGE, latency);
      long records = (long) resources * pages * RECORDS_PER_PAGE;
      double bestSerial = Double.MAX_VALUE;
      double bestParallel = Double.MAX_VALUE;
      int run = 0;
      for (int round = 1; round <= rounds; round++) {
        dispatcher.maxInFlight.set(0);
        double serial = run(server, dir.resolve("run-" + run++), resources, 1, records);
        int serialMax = dispatcher.maxInFlight.getAndSet(0);
        double parallel = run(server, dir.resolve("run-" + run++), resources, parallelism, records);
        int parallelMax = dispatcher.maxInFlight.get();
        System.out.printf(
            "round %d: parallelism 1 %.2f s (max %d in flight)  parallelism %d %.2f s (max %d in"
                + " flight)  speed-up %.2fx%n",
            round, serial, serialMax, parallelism, parallel, parallelMax, serial / parallel);
        bestSerial = Math.min(bestSerial, serial);
        bestParallel = Math.min(bestParallel, parallel);
      }
      System.out.printf(
          "best: parallelism 1 %.2f s (%,.0f records/s)  parallelism %d %.2f s (%,.0f records/s)"
              + "  speed-up %.2fx%n",
          bestSerial,
          records / bestSerial,
          parallelism,
          bestParallel,
          records / bestParallel,
          bestSerial / bestParallel);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Runs all resources through a fresh lake; returns the wall time in seconds. */
  private static double run(
      MockWebServer server, Path work, int resources, int parallelism, long records) {
    RestSource.Builder source =
        RestSource.builder("bench")
            .client(
                RestClientConfig.builder(server.url("/").toString())
                    .paginator(Paginator.pageNumber().withTotalPagesPath("total_pages"))
                    .build());
    for (int r = 0; r < resources; r++) {
      source.resource(
          RestResourceConfig.builder("resource_" + r)
              .endpoint(Endpoint.builder().path("r" + r).dataSelector("data").build())
              .primaryKey("id")
              .writeDisposition(WriteDisposition.INSERT_NEW)
              .build());
    }
    long start = System.nanoTime();
    try (Pipeline pipeline =
        Pipeline.builder("rest_parallel_bench")
            .workingDirectory(work)
            .destination(
                DuckLakeDestination.builder()
                    .catalog(CatalogLocation.duckdb(work.resolve("lake/catalog.ducklake")))
                    .dataPath(work.resolve("lake/data"))
                    .build())
            .source(source.build())
            .parallelism(parallelism)
            .build()) {
      RunResult result = pipeline.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (result.rowsStaged() != records) {
        throw new IllegalStateException(
            "Staged " + result.rowsStaged() + " rows, expected " + records);
      }
      return seconds;
    }
  }

  /** Serves {@code /r<k>?page=n} after holding each response back for the latency. */
  private static final class LatencyDispatcher extends Dispatcher {
    final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int pages;
    private final long latency;

    LatencyDispatcher(int pages, long latency) {
      this.pages = pages;
      this.latency = latency;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(latency);
      } finally {
        inFlight.decrementAndGet();
      }
      String resource = request.getUrl().encodedPath().substring(2);
      String p = request.getUrl().queryParameter("page");
      int page = p == null ? 1 : Integer.parseInt(p);
      long base = (Long.parseLong(resource) * pages + page) * RECORDS_PER_PAGE;
      StringBuilder sb = new StringBuilder("{\"total_pages\":").append(pages).append(",\"data\":[");
      for (int i = 0; i < RECORDS_PER_PAGE; i++) {
        sb.append(i == 0 ? "" : ",")
            .append("{\"id\":")
            .append(base + i)
            .append(",\"name\":\"item ")
            .append(base + i)
            .append("\",\"score\":")
            .append((base + i) % 97)
            .append('}');
      }
      sb.append("]}");
      return new MockResponse.Builder()
          .code(200)
          .setHeader("Content-Type", "application/json")
          .body(new okio.Buffer().write(sb.toString().getBytes(StandardCharsets.UTF_8)))
          .build();
    }
  }
}
