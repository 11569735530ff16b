package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResilienceIT {
  private MockWebServer server;
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();

  @AfterEach
  void stop() {
    server.close();
  }

  private void serve(Function<Integer, MockResponse> byRequestNumber) throws Exception {
    server =
        Servers.start(
            request -> {
              arrivals.add(System.nanoTime());
              return byRequestNumber.apply(count.incrementAndGet());
            });
  }

  private Collected run(RestClientConfig client, Endpoint endpoint) throws Exception {
    try (RestSource source =
        Servers.source(client, RestResourceConfig.builder("items").endpoint(endpoint).build())) {
      return Collected.extract(source.resource("items"));
    }
  }

  private Collected run(RestClientConfig client) throws Exception {
    return run(client, Endpoint.builder().path("items").paginator(Paginator.singlePage()).build());
  }

  private long gapMillis(int i) {
    return TimeUnit.NANOSECONDS.toMillis(arrivals.get(i) - arrivals.get(i - 1));
  }

  private static final String OK = "[{\"id\":1}]";

  @Test
  void retriesServerErrorsAndTooManyRequestsUntilSuccess() throws Exception {
    serve(n -> n == 1 ? Servers.status(503) : n == 2 ? Servers.status(429) : json(OK));
    RecordingListener listener = new RecordingListener();
    RestClientConfig client = Servers.client(server).build();
    try (RestSource source =
        RestSource.builder("s")
            .client(client)
            .listener(listener)
            .resource(RestResourceConfig.builder("items").path("items").build())
            .build()) {
      assertThat(Collected.extract(source.resource("items")).field("id")).containsExactly(1);
    }
    assertThat(count).hasValue(3);
    assertThat(listener.retries).containsExactly("HTTP 503", "HTTP 429");
    assertThat(listener.attempts).containsExactly(1, 2, 3);
  }

  @Test
  void honoursRetryAfterInSeconds() throws Exception {
    serve(
        n ->
            n == 1
                ? new MockResponse.Builder().code(429).setHeader("Retry-After", "1").build()
                : json(OK));
    run(Servers.client(server).build());
    // The configured backoff is 10 ms; the server asked for a whole second.
    assertThat(gapMillis(1)).isGreaterThanOrEqualTo(950);
  }

  @Test
  void honoursRetryAfterAsAnHttpDate() throws Exception {
    serve(
        n -> {
          if (n > 1) {
            return json(OK);
          }
          ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2);
          return new MockResponse.Builder()
              .code(503)
              .setHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(at))
              .build();
        });
    run(Servers.client(server).build());
    // The date has whole seconds, so the wait is between 1 and 2 seconds.
    assertThat(gapMillis(1)).isBetween(900L, 5000L);
  }

  @Test
  void backsOffExponentiallyBetweenAttempts() throws Exception {
    serve(n -> n <= 3 ? Servers.status(502) : json(OK));
    RestClientConfig client =
        Servers.client(server)
            .retry(
                RetryConfig.defaults()
                    .withMaxAttempts(4)
                    .withJitter(0)
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5)))
            .build();
    run(client);
    assertThat(gapMillis(1)).isGreaterThanOrEqualTo(95);
    assertThat(gapMillis(2)).isGreaterThanOrEqualTo(195);
    assertThat(gapMillis(3)).isGreaterThanOrEqualTo(395);
  }

  @Test
  void retriesResetConnectionsTruncatedTransfersAndTimeouts() throws Exception {
    serve(
        n ->
            switch (n) {
              case 1 ->
                  json(OK)
                      .newBuilder()
                      .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                      .build();
              case 2 ->
                  json("[{\"id\":1},{\"id\":2},{\"id\":3}]")
                      .newBuilder()
                      .throttleBody(5, 10, TimeUnit.MILLISECONDS)
                      .onResponseBody(new SocketEffect.CloseSocket())
                      .build();
              case 3 -> json(OK).newBuilder().headersDelay(5, TimeUnit.SECONDS).build();
              default -> json("[{\"id\":9}]");
            });
    RestClientConfig client =
        Servers.client(server)
            .readTimeout(Duration.ofSeconds(1))
            .retry(
                RetryConfig.defaults()
                    .withMaxAttempts(6)
                    .withBackoff(Duration.ofMillis(10), Duration.ofMillis(20)))
            .build();
    assertThat(run(client).field("id")).containsExactly(9);
    // Three failed attempts, then success (a slow machine may time out one more).
    assertThat(count.get()).isBetween(4, 5);
  }

  @Test
  void failsAfterTheMaximumNumberOfAttemptsNamingTheUrlAndPage() throws Exception {
    serve(n -> Servers.status(500));
    assertThatThrownBy(() -> run(Servers.client(server).build()))
        .hasMessageContaining("Resource 'items'")
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining("page 1")
        .hasMessageContaining(server.url("/items").toString());
    assertThat(count).hasValue(3);
  }

  @Test
  void aRetryThatWouldPassTheResourceDeadlineFailsAtOnce() throws Exception {
    serve(n -> new MockResponse.Builder().code(503).setHeader("Retry-After", "30").build());
    RestClientConfig client =
        Servers.client(server)
            .retry(
                RetryConfig.defaults()
                    .withMaxAttempts(5)
                    .withResourceDeadline(Duration.ofSeconds(2)))
            .build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> run(client)).hasMessageContaining("deadline");
    // Far less than the 30 s the server asked for.
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
    assertThat(count).hasValue(1);
  }

  @Test
  void theRateLimitSpacesRequestsToOneHost() throws Exception {
    serve(
        n ->
            json(
                "{\"data\":[{\"id\":"
                    + n
                    + "}],\"next\":"
                    + (n < 8 ? "\"/items?p=" + (n + 1) + "\"" : "null")
                    + "}"));
    RestClientConfig client = Servers.client(server).requestsPerSecond(20).build();
    Collected c =
        run(client, Endpoint.builder().path("items").paginator(Paginator.jsonLink("next")).build());
    assertThat(c.records()).hasSize(8);
    // 20 requests per second: permits every 50 ms, so request k arrives at least k x 50 ms after
    // the first (less a little for the first request's own delay on a busy machine). A late
    // request may be followed by an early one, so single gaps are not the measure.
    long first = arrivals.get(0);
    for (int k = 1; k < arrivals.size(); k++) {
      assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.get(k) - first))
          .as("request %d", k)
          .isGreaterThanOrEqualTo(k * 50L - 25);
    }
  }

  @Test
  void responseActionsIgnoreTreatAsEmptyOrFail() throws Exception {
    serve(
        n ->
            switch (n) {
              case 1 -> Servers.status(404);
              case 2 -> Servers.status(503);
              case 3 -> json("{\"error\":\"quota exceeded\"}");
              default -> json(OK);
            });
    RestClientConfig client = Servers.client(server).build();
    Endpoint endpoint =
        Endpoint.builder()
            .path("items")
            .paginator(Paginator.singlePage())
            .responseAction(ResponseAction.onStatus(404, ResponseAction.Action.IGNORE))
            .responseAction(ResponseAction.onStatus(503, ResponseAction.Action.EMPTY))
            .responseAction(ResponseAction.onContent("quota exceeded", ResponseAction.Action.FAIL))
            .build();
    assertThat(run(client, endpoint).records()).isEmpty();
    // A 503 with an action is handled by the action, never retried.
    assertThat(run(client, endpoint).records()).isEmpty();
    assertThat(count).hasValue(2);
    assertThatThrownBy(() -> run(client, endpoint))
        .hasMessageContaining("matched a fail action")
        .hasMessageContaining("quota exceeded");
    assertThat(run(client, endpoint).field("id")).containsExactly(1);
  }

  @Test
  void clientErrorsFailWithoutRetry() throws Exception {
    serve(n -> Servers.status(403));
    assertThatThrownBy(() -> run(Servers.client(server).build()))
        .hasMessageContaining("HTTP 403")
        .hasMessageContaining("status 403");
    assertThat(count).hasValue(1);
  }

  /** Records retry reasons. */
  static final class RecordingListener extends RestEventListener {
    final List<String> retries = new CopyOnWriteArrayList<>();
    final List<Integer> attempts = new CopyOnWriteArrayList<>();

    @Override
    public void requestStarted(String resource, String method, String url, int page, int attempt) {
      attempts.add(attempt);
    }

    @Override
    public void retryScheduled(
        String resource, String url, int attempt, Duration delay, String reason) {
      retries.add(reason);
    }
  }
}
