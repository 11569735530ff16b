package dev.ducklift.rest;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** MockWebServer helpers: loopback only, JSON responses, routing by function. */
final class Servers {
  private Servers() {}

  static MockWebServer start() throws IOException {
    MockWebServer server = new MockWebServer();
    server.start(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  static MockWebServer start(Function<RecordedRequest, MockResponse> routes) throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return routes.apply(request);
          }
        });
    server.start(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse.Builder jsonBuilder(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(body);
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder()
        .code(code)
        .body("{\"error\":\"status " + code + "\"}")
        .build();
  }

  /** A client config against {@code server} with quick retries. */
  static RestClientConfig.Builder client(MockWebServer server) {
    return RestClientConfig.builder(server.url("/").toString())
        .retry(
            RetryConfig.defaults()
                .withMaxAttempts(3)
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(50)));
  }

  static RestSource source(RestClientConfig client, RestResourceConfig... resources) {
    RestSource.Builder b = RestSource.builder("test").client(client);
    for (RestResourceConfig r : resources) {
      b.resource(r);
    }
    return b.build();
  }
}
