package dev.ducklift.benchmarks.rest;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.rest.Paginator;
import dev.ducklift.rest.RestClientConfig;
import dev.ducklift.rest.RestEventListener;
import dev.ducklift.rest.RestResourceConfig;
import dev.ducklift.rest.RestSource;
import dev.ducklift.rest.RetryConfig;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

/**
 * A load against a flaky GitHub-like API, against the same load from a well-behaved server: a
 * loopback MockWebServer serves {@code /issues?page=N} (P pages of R records, {@code Link:
 * rel="next"} pagination). The flaky one draws each answer from a fixed seed: 8% 429 with {@code
 * Retry-After: 1}, 8% a 500, 502 or 503, 6% a body cut off halfway, 4% an answer held back 2 s, and
 * 30% of answers close their connection afterwards without saying so (a keep-alive shorter than the
 * gap between requests). The REST source uses {@code max_attempts: 8} and the default backoff (1 s
 * doubling, 25% jitter) and runs end to end into a fresh DuckLake; the data files are then counted
 * with plain DuckDB to check every record arrived exactly once. Prints the wall time, the requests
 * the client sent and the server received, the real retries (with the backoff and {@code
 * Retry-After} time they waited) and the free re-sends of each run, after a short warm-up run.
 * Arguments: {@code [pages] [recordsPerPage] [seed]} (default 200, 100, 14).
 */
public final class FlakyApiBenchmark {

  public static void main(String[] args) throws Exception {
    int pages = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int records = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 14;
    Path dir = Files.createTempDirectory("ducklift-flaky-api-bench");
    try {
      System.out.printf(
          "pages: %d  records per page: %d  seed: %d  max_attempts: 8%n", pages, records, seed);
      // A short warm-up, so that the first measured run does not pay for class loading and JIT.
      run(new Api(null, Math.min(pages, 20), records), dir.resolve("warm-up"), 20L * records);
      Api healthy = new Api(null, pages, records);
      Figures good = run(healthy, dir.resolve("healthy"), (long) pages * records);
      System.out.println("well-behaved: " + good + "  " + healthy);
      Api flaky = new Api(new Random(seed), pages, records);
      Figures bad = run(flaky, dir.resolve("flaky"), (long) pages * records);
      System.out.println("flaky:        " + bad + "  " + flaky);
      System.out.printf(
          "flaky / well-behaved: wall time %.1fx, requests %.2fx%n",
          bad.seconds / good.seconds, (double) bad.serverRequests / good.serverRequests);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** What one run measured. */
  private record Figures(
      double seconds,
      int clientRequests,
      int serverRequests,
      int retries,
      double retryWaitSeconds,
      int resends,
      long rows,
      long distinctIds) {
    @Override
    public String toString() {
      return String.format(
          "%.1f s, %d requests sent (%d received), %d real retries (waiting %.1f s), %d free"
              + " re-sends, %d rows, %d distinct ids",
          seconds,
          clientRequests,
          serverRequests,
          retries,
          retryWaitSeconds,
          resends,
          rows,
          distinctIds);
    }
  }

  private static Figures run(Api api, Path work, long expected) throws Exception {
    Counting events = new Counting();
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(api);
      server.start(InetAddress.getLoopbackAddress(), 0);
      RestSource source =
          RestSource.builder("github")
              .client(
                  RestClientConfig.builder(server.url("/").toString())
                      .paginator(Paginator.headerLink())
                      .retry(RetryConfig.defaults().withMaxAttempts(8))
                      .build())
              .listener(events)
              .resource(
                  RestResourceConfig.builder("issues")
                      .path("issues?page=1")
                      .writeDisposition(WriteDisposition.APPEND)
                      .build())
              .build();
      Path data = work.resolve("lake/data");
      long start = System.nanoTime();
      try (Pipeline pipeline =
          Pipeline.builder("flaky_api_bench")
              .workingDirectory(work)
              .destination(
                  DuckLakeDestination.builder()
                      .catalog(CatalogLocation.duckdb(work.resolve("lake/catalog.ducklake")))
                      .dataPath(data)
                      .build())
              .source(source)
              .build()) {
        RunResult result = pipeline.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] counts = countParquet(data);
        if (result.rowsStaged() != expected || counts[0] != expected || counts[1] != expected) {
          throw new IllegalStateException(
              "Expected "
                  + expected
                  + " records once each; staged "
                  + result.rowsStaged()
                  + ", lake has "
                  + counts[0]
                  + " rows with "
                  + counts[1]
                  + " distinct ids");
        }
        return new Figures(
            seconds,
            events.requests.get() + events.resends.get(),
            api.requests.get(),
            events.retries.get(),
            events.retryWaitNanos.get() / 1e9,
            events.resends.get(),
            counts[0],
            counts[1]);
      }
    }
  }

  /**
   * Rows and distinct ids in the Parquet files of the issues table (one load into a fresh lake: all
   * live).
   */
  private static long[] countParquet(Path data) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), count(DISTINCT id) FROM read_parquet('"
                    + data.toString().replace("'", "''")
                    + "/**/issues/*.parquet')")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  /** Counts what the REST source reported. */
  private static final class Counting extends RestEventListener {
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger retries = new AtomicInteger();
    final AtomicInteger resends = new AtomicInteger();
    final AtomicLong retryWaitNanos = new AtomicLong();

    @Override
    public void requestStarted(String resource, String method, String url, int page, int attempt) {
      requests.incrementAndGet();
    }

    @Override
    public void retryScheduled(
        String resource, String url, int attempt, Duration delay, String reason) {
      retries.incrementAndGet();
      retryWaitNanos.addAndGet(delay.toNanos());
    }

    @Override
    public void requestResent(String resource, String method, String url, int page, String reason) {
      resends.incrementAndGet();
    }
  }

  /** The API: well-behaved without a random source, flaky at the rates above with one. */
  private static final class Api extends Dispatcher {
    private final Random random;
    private final int pages;
    private final int records;
    final AtomicInteger requests = new AtomicInteger();
    private int tooManyRequests;
    private int serverErrors;
    private int cutShort;
    private int slow;
    private int closedAfter;

    Api(Random random, int pages, int records) {
      this.random = random;
      this.pages = pages;
      this.records = records;
    }

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) {
      requests.incrementAndGet();
      int page = Integer.parseInt(request.getUrl().queryParameter("page"));
      if (random == null) {
        return page(page).build();
      }
      double draw = random.nextDouble();
      boolean close = random.nextDouble() < 0.30;
      MockResponse.Builder b;
      if (draw < 0.08) {
        tooManyRequests++;
        b =
            new MockResponse.Builder()
                .code(429)
                .setHeader("Retry-After", "1")
                .body("{\"message\":\"API rate limit exceeded\"}");
      } else if (draw < 0.16) {
        serverErrors++;
        int code = new int[] {500, 502, 503}[random.nextInt(3)];
        b = new MockResponse.Builder().code(code).body("{\"message\":\"server error\"}");
      } else if (draw < 0.22) {
        cutShort++;
        return page(page).onResponseBody(new SocketEffect.CloseSocket()).build();
      } else {
        b = page(page);
        if (draw < 0.26) {
          slow++;
          b.headersDelay(2, TimeUnit.SECONDS);
        }
      }
      if (close) {
        closedAfter++;
        b.onResponseEnd(new SocketEffect.CloseSocket());
      }
      return b.build();
    }

    private MockResponse.Builder page(int page) {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < records; i++) {
        long id = (long) page * records + i;
        body.append(i == 0 ? "" : ",")
            .append("{\"id\":")
            .append(id)
            .append(",\"number\":")
            .append(id)
            .append(",\"title\":\"issue ")
            .append(id)
            .append("\",\"state\":\"open\",\"comments\":")
            .append(id % 13)
            .append('}');
      }
      body.append(']');
      MockResponse.Builder b =
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "application/json")
              .body(new okio.Buffer().write(body.toString().getBytes(StandardCharsets.UTF_8)));
      if (page < pages) {
        b.setHeader("Link", "</issues?page=" + (page + 1) + ">; rel=\"next\"");
      }
      return b;
    }

    @Override
    public synchronized String toString() {
      return random == null
          ? "(no faults)"
          : String.format(
              "(429: %d, 5xx: %d, cut short: %d, slow: %d, closed after: %d)",
              tooManyRequests, serverErrors, cutShort, slow, closedAfter);
    }
  }
}
