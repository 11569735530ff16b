package dev.ducklift.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;

/**
 * A flaky GitHub-like API on loopback (fixed seed): of all requests about 8% get 429, 8% a 500, 502
 * or 503, 6% a body cut short and 4% a slow answer, and 30% of the answers close their connection
 * afterwards without saying so. The suite's version waits little ({@code Retry-After: 0}, backoff
 * of milliseconds, slow answers of 100 ms); {@code FlakyApiBenchmark} in {@code benchmarks} runs
 * the same mix with {@code Retry-After: 1}, the default backoff and slow answers of 2 s.
 */
class FlakyApiSoakIT {
  private static final int PAGES = 200;
  private static final int RECORDS_PER_PAGE = 20;

  @Test
  void twoHundredPagesOfAFlakyApiLoadEveryRecordExactlyOnceWithEightAttempts() throws Exception {
    FlakyApi api = new FlakyApi(new Random(14), PAGES, RECORDS_PER_PAGE, "0", 100);
    Events events = new Events();
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(api);
      server.start(InetAddress.getLoopbackAddress(), 0);
      RestClientConfig client =
          RestClientConfig.builder(server.url("/").toString())
              .paginator(Paginator.headerLink())
              .retry(
                  RetryConfig.defaults()
                      .withMaxAttempts(8)
                      .withBackoff(Duration.ofMillis(5), Duration.ofMillis(40)))
              .build();
      Collected c;
      try (RestSource source =
          RestSource.builder("github")
              .client(client)
              .listener(events)
              .resource(RestResourceConfig.builder("issues").path("issues?page=1").build())
              .build()) {
        c = Collected.extract(source.resource("issues"));
      }
      List<Object> expected =
          LongStream.range(RECORDS_PER_PAGE, (PAGES + 1L) * RECORDS_PER_PAGE)
              .mapToObj(i -> (Object) (int) i)
              .toList();
      assertThat(c.field("id")).containsExactlyElementsOf(expected);
      assertThat(c.pages).hasSize(PAGES);
      // The mix happened, and each fault cost exactly one attempt, each stale connection none.
      assertThat(api.tooManyRequests.get()).isGreaterThan(5);
      assertThat(api.serverErrors.get()).isGreaterThan(5);
      assertThat(api.cutShort.get()).isGreaterThan(5);
      assertThat(api.slow.get()).isGreaterThan(2);
      assertThat(api.closedAfter.get()).isGreaterThan(20);
      int faults = api.tooManyRequests.get() + api.serverErrors.get() + api.cutShort.get();
      assertThat(events.retries).hasSize(faults);
      assertThat(events.attempts).hasSize(PAGES + faults);
      assertThat(api.requests.get()).isEqualTo(PAGES + faults);
      assertThat(events.resends).isNotEmpty();
    }
  }

  /** Serves {@code /issues?page=N} with a {@code Link} to the next page, failing at the rates. */
  static final class FlakyApi extends Dispatcher {
    private final Random random;
    private final int pages;
    private final int recordsPerPage;
    private final String retryAfter;
    private final long slowMillis;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger tooManyRequests = new AtomicInteger();
    final AtomicInteger serverErrors = new AtomicInteger();
    final AtomicInteger cutShort = new AtomicInteger();
    final AtomicInteger slow = new AtomicInteger();
    final AtomicInteger closedAfter = new AtomicInteger();

    FlakyApi(Random random, int pages, int recordsPerPage, String retryAfter, long slowMillis) {
      this.random = random;
      this.pages = pages;
      this.recordsPerPage = recordsPerPage;
      this.retryAfter = retryAfter;
      this.slowMillis = slowMillis;
    }

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) {
      requests.incrementAndGet();
      int page = Integer.parseInt(request.getUrl().queryParameter("page"));
      double draw = random.nextDouble();
      boolean close = random.nextDouble() < 0.30;
      MockResponse.Builder b;
      if (draw < 0.08) {
        tooManyRequests.incrementAndGet();
        b =
            new MockResponse.Builder()
                .code(429)
                .setHeader("Retry-After", retryAfter)
                .body("{\"message\":\"API rate limit exceeded\"}");
      } else if (draw < 0.16) {
        serverErrors.incrementAndGet();
        int code = new int[] {500, 502, 503}[random.nextInt(3)];
        b = new MockResponse.Builder().code(code).body("{\"message\":\"server error\"}");
      } else if (draw < 0.22) {
        cutShort.incrementAndGet();
        // Half of the body, then the socket closes.
        return page(page).onResponseBody(new SocketEffect.CloseSocket()).build();
      } else {
        b = page(page);
        if (draw < 0.26) {
          slow.incrementAndGet();
          b.headersDelay(slowMillis, TimeUnit.MILLISECONDS);
        }
      }
      if (close) {
        // Like a server whose keep-alive ends: the connection closes after the answer, unannounced.
        closedAfter.incrementAndGet();
        b.onResponseEnd(new SocketEffect.CloseSocket());
      }
      return b.build();
    }

    private MockResponse.Builder page(int page) {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < recordsPerPage; i++) {
        long id = (long) page * recordsPerPage + i;
        body.append(i == 0 ? "" : ",")
            .append("{\"id\":")
            .append(id)
            .append(",\"title\":\"issue ")
            .append(id)
            .append("\",\"state\":\"open\"}");
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
  }

  /** Records attempts, real retries and free re-sends. */
  static final class Events extends RestEventListener {
    final List<Integer> attempts = new CopyOnWriteArrayList<>();
    final List<String> retries = new CopyOnWriteArrayList<>();
    final List<String> resends = new CopyOnWriteArrayList<>();

    @Override
    public void requestStarted(String resource, String method, String url, int page, int attempt) {
      attempts.add(attempt);
    }

    @Override
    public void retryScheduled(
        String resource, String url, int attempt, Duration delay, String reason) {
      retries.add(reason);
    }

    @Override
    public void requestResent(String resource, String method, String url, int page, String reason) {
      resends.add(reason);
    }
  }
}
