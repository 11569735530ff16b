package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.rest.RawPageServer.Mode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection the server closed between two requests costs neither an attempt nor a backoff, while
 * a server that drops a request it received is a real fault. Logs are captured from slf4j-simple,
 * which writes to the current {@code System.err}.
 */
class StaleConnectionIT {
  private PrintStream originalErr;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private final Events events = new Events();

  @BeforeEach
  void captureLogs() {
    originalErr = System.err;
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(originalErr);
  }

  private String logText() {
    return logs.toString(StandardCharsets.UTF_8);
  }

  /** One attempt per request: any failed attempt fails the run. */
  private static RestClientConfig.Builder oneAttempt(String baseUrl) {
    return RestClientConfig.builder(baseUrl)
        .paginator(Paginator.headerLink())
        .retry(RetryConfig.defaults().withMaxAttempts(1));
  }

  private Collected extract(RestClientConfig client, String path) throws Exception {
    try (RestSource source =
        RestSource.builder("s")
            .client(client)
            .listener(events)
            .resource(RestResourceConfig.builder("items").path(path).build())
            .build()) {
      return Collected.extract(source.resource("items"));
    }
  }

  private static List<Object> ids(int pages) {
    return IntStream.rangeClosed(1, pages)
        .boxed()
        .flatMap(
            p ->
                IntStream.range(0, RawPageServer.RECORDS_PER_PAGE)
                    .mapToObj(i -> (Object) (p * RawPageServer.RECORDS_PER_PAGE + i)))
        .toList();
  }

  private void assertEveryPageOnceWithoutRetry(RawPageServer server, Collected c, int pages) {
    assertThat(c.field("id")).containsExactlyElementsOf(ids(pages));
    assertThat(server.requestsByPage).hasSize(pages);
    assertThat(server.requestsByPage.values()).allMatch(n -> n.get() == 1);
    assertThat(events.retries).isEmpty();
    assertThat(events.attempts).hasSize(pages).containsOnly(1);
    assertThat(logText()).doesNotContain("WARN").doesNotContain("Retrying");
  }

  @Test
  void anHttp10ServerThatClosesEveryConnectionLoadsEveryPageOnceWithoutRetries() throws Exception {
    int pages = 30;
    try (RawPageServer server = new RawPageServer(Mode.HTTP_1_0, pages, 0)) {
      Collected c = extract(oneAttempt(server.baseUrl()).build(), "items?page=1");
      assertEveryPageOnceWithoutRetry(server, c, pages);
      // The client closed each connection itself, so it never wrote to a closed one.
      assertThat(events.resends).isEmpty();
      assertThat(server.connections).hasValue(pages);
    }
  }

  @Test
  void aServerAnsweringConnectionCloseLoadsEveryPageOnceWithoutRetries() throws Exception {
    int pages = 30;
    try (RawPageServer server = new RawPageServer(Mode.CONNECTION_CLOSE, pages, 0)) {
      Collected c = extract(oneAttempt(server.baseUrl()).build(), "items?page=1");
      assertEveryPageOnceWithoutRetry(server, c, pages);
      assertThat(events.resends).isEmpty();
      assertThat(server.connections).hasValue(pages);
    }
  }

  @Test
  void aServerIdleTimeoutShorterThanTheRateLimitSpacingCostsNoAttempt() throws Exception {
    int pages = 8;
    // The server drops a connection idle for 40 ms; the rate limit spaces requests by 100 ms.
    try (RawPageServer server = new RawPageServer(Mode.IDLE_TIMEOUT, pages, 40)) {
      Collected c =
          extract(oneAttempt(server.baseUrl()).requestsPerSecond(10).build(), "items?page=1");
      assertEveryPageOnceWithoutRetry(server, c, pages);
      // Every request after the first found its pooled connection closed and moved at once.
      assertThat(events.resends).hasSize(pages - 1);
      assertThat(server.connections).hasValue(pages);
    }
  }

  @Test
  void aConnectionIdlePastTheAnnouncedKeepAliveTimeoutIsNotReused() throws Exception {
    int pages = 4;
    // Keep-Alive: timeout=1; with a 1 s margin of 0.5 s, a 700 ms gap is too long to reuse.
    try (RawPageServer server = new RawPageServer(Mode.ANNOUNCED_IDLE_TIMEOUT, pages, 1000)) {
      Collected c =
          extract(oneAttempt(server.baseUrl()).requestsPerSecond(1 / 0.7).build(), "items?page=1");
      assertEveryPageOnceWithoutRetry(server, c, pages);
      assertThat(events.resends).hasSize(pages - 1).allMatch(r -> r.contains("keep-alive"));
      assertThat(server.connections).hasValue(pages);
    }
  }

  private MockWebServer mock(Function<Integer, MockResponse> byRequestNumber, AtomicInteger count)
      throws Exception {
    return Servers.start(request -> byRequestNumber.apply(count.incrementAndGet()));
  }

  private static MockResponse disconnectAfterRequest() {
    return json("[]").newBuilder().onResponseStart(new SocketEffect.CloseSocket()).build();
  }

  private static RestClientConfig.Builder backoff(MockWebServer server, int attempts) {
    return RestClientConfig.builder(server.url("/").toString())
        .retry(
            RetryConfig.defaults()
                .withMaxAttempts(attempts)
                .withJitter(0)
                .withBackoff(Duration.ofMillis(200), Duration.ofMillis(200)));
  }

  @Test
  void aDisconnectAfterTheRequestWasReceivedIsARealFaultRetriedWithBackoff() throws Exception {
    AtomicInteger count = new AtomicInteger();
    List<Long> arrivals = new CopyOnWriteArrayList<>();
    try (MockWebServer server =
        Servers.start(
            r -> {
              arrivals.add(System.nanoTime());
              return count.incrementAndGet() == 1 ? disconnectAfterRequest() : json("[{\"id\":1}]");
            })) {
      Collected c = extract(backoff(server, 2).paginator(Paginator.singlePage()).build(), "items");
      assertThat(c.field("id")).containsExactly(1);
      assertThat(count).hasValue(2);
      assertThat(events.retries).hasSize(1);
      assertThat(events.resends).isEmpty();
      assertThat(events.attempts).containsExactly(1, 2);
      assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0)))
          .isGreaterThanOrEqualTo(190);
      assertThat(logText()).contains("Retrying GET");
    }
  }

  @Test
  void aDisconnectOnAReusedConnectionMovesOnceThenCountsAsAFault() throws Exception {
    AtomicInteger count = new AtomicInteger();
    try (MockWebServer server =
        mock(
            n ->
                switch (n) {
                  case 1 -> json("{\"data\":[{\"id\":1}],\"next\":\"/items?p=2\"}");
                  // Received on the pooled connection of request 1, then again on a new one.
                  case 2, 3 -> disconnectAfterRequest();
                  default -> json("{\"data\":[{\"id\":2}],\"next\":null}");
                },
            count)) {
      Collected c =
          extract(backoff(server, 2).paginator(Paginator.jsonLink("next")).build(), "items");
      assertThat(c.field("id")).containsExactly(1, 2);
      assertThat(count).hasValue(4);
      assertThat(events.resends).hasSize(1);
      assertThat(events.retries).hasSize(1);
      assertThat(events.attempts).containsExactly(1, 1, 2);
    }
  }

  @Test
  void aServerThatDropsEveryRequestFailsAfterTheMaximumAttempts() throws Exception {
    AtomicInteger count = new AtomicInteger();
    try (MockWebServer server = mock(n -> disconnectAfterRequest(), count)) {
      RestClientConfig client = backoff(server, 3).paginator(Paginator.singlePage()).build();
      assertThatThrownBy(() -> extract(client, "items")).hasMessageContaining("Resource 'items'");
      // No connection ever served a response, so none was reused and nothing moved for free.
      assertThat(count).hasValue(3);
      assertThat(events.resends).isEmpty();
      assertThat(events.retries).hasSize(2);
    }
  }

  /** Records attempts, retries and free re-sends. */
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
