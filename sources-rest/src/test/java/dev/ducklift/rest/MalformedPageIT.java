package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.DuckliftException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A bad page fails the resource with the URL, page number and an excerpt; earlier pages stay. */
class MalformedPageIT {
  private MockWebServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  /** Pages 1 and 2 are good; page 3 is {@code bad}. */
  private Collected runUntilBadPage(MockResponse bad, Collected collected) throws Exception {
    AtomicInteger n = new AtomicInteger();
    Function<Integer, MockResponse> pages =
        i ->
            i < 3
                ? json(
                    "{\"data\":[{\"id\":"
                        + i
                        + "}],\"next\":\"/items?page="
                        + (i + 1)
                        + "&api_key=k-000-secret\"}")
                : bad;
    server = Servers.start(r -> pages.apply(n.incrementAndGet()));
    RestResourceConfig r =
        RestResourceConfig.builder("items")
            .endpoint(
                Endpoint.builder()
                    .path("items")
                    .param("api_key", "k-000-secret")
                    .paginator(Paginator.jsonLink("next"))
                    .build())
            .build();
    try (RestSource source = Servers.source(Servers.client(server).build(), r)) {
      source.resource("items").extract(TestContext.of(source.resource("items")), collected);
    }
    return collected;
  }

  private void assertFailsKeepingEarlierPages(MockResponse bad, String... messageParts) {
    Collected collected = new Collected();
    assertThatThrownBy(() -> runUntilBadPage(bad, collected))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining(
            "Resource 'items' page 3 from " + server.url("/items").toString().replace("/items", ""))
        .hasMessageContaining("page=3")
        .hasMessageContaining("api_key=REDACTED")
        .hasMessageNotContaining("k-000-secret")
        .hasMessageContaining(messageParts[0])
        .hasMessageContaining(messageParts[1]);
    assertThat(collected.field("id")).containsExactly(1, 2);
  }

  @Test
  void invalidJsonFailsWithTheUrlPageAndAnExcerpt() {
    assertFailsKeepingEarlierPages(
        json("{\"data\": [{\"id\": 3}, {\"id\": oops}]}"),
        "is not valid JSON",
        "{\"data\": [{\"id\": 3}, {\"id\": oops");
  }

  @Test
  void anHtmlErrorPageWithStatus200Fails() {
    assertFailsKeepingEarlierPages(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/html")
            .body("<html><body><h1>Maintenance</h1></body></html>")
            .build(),
        "is HTML, not JSON",
        "<h1>Maintenance</h1>");
  }

  @Test
  void htmlServedAsJsonIsRecognisedToo() {
    assertFailsKeepingEarlierPages(
        json("  <!DOCTYPE html><p>Bad gateway</p>"), "is HTML, not JSON", "Bad gateway");
  }

  @Test
  void aTruncatedBodyFails() {
    assertFailsKeepingEarlierPages(
        json("{\"data\":[{\"id\":3},{\"id\":4,\"name\":\"trunc"),
        "is not valid JSON",
        "\"name\":\"trunc");
  }

  @Test
  void trailingGarbageAfterTheDocumentFails() {
    assertFailsKeepingEarlierPages(
        json("{\"data\":[]} {\"more\":1}"), "is not valid JSON", "{\"more\":1}");
  }
}
