package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ducklift.core.Secret;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets never reach logs, exceptions, page descriptions, listener events or declarations. Logs
 * are captured from slf4j-simple, which writes to the current {@code System.err} (debug level for
 * this package, see simplelogger.properties).
 */
class RedactionIT {
  private static final String API_KEY = "key-7f3a9c21";
  private static final String TOKEN = "tok-b6e04d55";

  private MockWebServer server;
  private PrintStream originalErr;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void captureLogs() {
    originalErr = System.err;
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(originalErr);
    server.close();
  }

  private String logText() {
    return logs.toString(StandardCharsets.UTF_8);
  }

  private final RestEventListener listener =
      new RestEventListener() {
        @Override
        public void requestStarted(
            String resource, String method, String url, int page, int attempt) {
          events.add(url);
        }

        @Override
        public void retryScheduled(
            String resource, String url, int attempt, Duration delay, String reason) {
          events.add(url + " " + reason);
        }

        @Override
        public void pageExtracted(
            String resource, String description, int records, String stateKey) {
          events.add(description);
        }
      };

  private RestSource source(RestAuth auth) {
    return RestSource.builder("s")
        .client(Servers.client(server).auth(auth).build())
        .listener(listener)
        .resource(
            RestResourceConfig.builder("items")
                .endpoint(
                    Endpoint.builder().path("items").paginator(Paginator.jsonLink("next")).build())
                .build())
        .build();
  }

  @Test
  void anApiKeyInTheQueryNeverAppearsInLogsErrorsOrEvents() throws Exception {
    AtomicInteger n = new AtomicInteger();
    server =
        Servers.start(
            r ->
                switch (n.incrementAndGet()) {
                  // The next link carries the key, as some APIs do.
                  case 1 ->
                      json(
                          "{\"data\":[{\"id\":1}],\"next\":\"/items?page=2&key=" + API_KEY + "\"}");
                  case 2 -> Servers.status(503);
                  case 3 ->
                      json("{}")
                          .newBuilder()
                          .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                          .build();
                  default ->
                      Servers.status(500)
                          .newBuilder()
                          .body("{\"error\":\"bad key " + API_KEY + "\"}")
                          .build();
                });
    Collected collected = new Collected();
    Throwable error;
    try (RestSource source =
        source(RestAuth.apiKey("key", Secret.of(API_KEY), RestAuth.ApiKey.Location.QUERY))) {
      error =
          catchThrowable(
              () ->
                  source
                      .resource("items")
                      .extract(TestContext.of(source.resource("items")), collected));
      assertThat(source.toString()).doesNotContain(API_KEY);
      assertThat(source.client().toString()).doesNotContain(API_KEY).contains("redacted");
    }
    assertThat(error).isNotNull();
    assertThat(n.get()).isGreaterThanOrEqualTo(4);
    assertThat(Redaction.chainText(error)).doesNotContain(API_KEY).contains("key=REDACTED");
    assertThat(logText()).contains("Retrying").contains("key=REDACTED").doesNotContain(API_KEY);
    assertThat(events).isNotEmpty().noneMatch(e -> e.contains(API_KEY));
    assertThat(collected.pages).allMatch(p -> !p.description().contains(API_KEY));
    // Auth adds the key inside the HTTP client, so page descriptions never had it.
    assertThat(collected.pages.get(0).description()).doesNotContain("key=");
  }

  @Test
  void aBearerTokenNeverAppearsEvenWhenTheServerEchoesIt() throws Exception {
    server =
        Servers.start(
            r ->
                Servers.status(401)
                    .newBuilder()
                    .body("{\"error\":\"token " + TOKEN + " is revoked\"}")
                    .build());
    Throwable error;
    try (RestSource source = source(RestAuth.bearer(Secret.of(TOKEN)))) {
      error = catchThrowable(() -> Collected.extract(source.resource("items")));
    }
    assertThat(error).hasMessageContaining("HTTP 401").hasMessageContaining("REDACTED");
    assertThat(Redaction.chainText(error)).doesNotContain(TOKEN);
    assertThat(logText()).doesNotContain(TOKEN);
    assertThat(events).noneMatch(e -> e.contains(TOKEN));
  }

  @Test
  void oneAndThreeLetterSecretsDoNotMangleMessagesAndAreWarnedAboutAtConfiguration()
      throws Exception {
    server =
        Servers.start(
            r ->
                Servers.status(500)
                    .newBuilder()
                    .body("{\"error\":\"user u refused: k3yring k3y rejected\"}")
                    .build());
    Throwable oneLetter;
    try (RestSource source = source(RestAuth.bearer(Secret.of("u")))) {
      oneLetter = catchThrowable(() -> Collected.extract(source.resource("items")));
    }
    Throwable threeLetters;
    try (RestSource source =
        source(RestAuth.apiKey("X-Key", Secret.of("k3y"), RestAuth.ApiKey.Location.HEADER))) {
      threeLetters = catchThrowable(() -> Collected.extract(source.resource("items")));
    }
    assertThat(oneLetter)
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining("user REDACTED refused: k3yring k3y rejected");
    assertThat(threeLetters).hasMessageContaining("user u refused: k3yring REDACTED rejected");
    assertThat(logText())
        .contains(
            "Source 's': a secret of its Bearer authentication is only 1 character long, too short"
                + " to be a credential")
        .contains("Source 's': a secret of its ApiKey authentication is only 3 characters long")
        .contains("Retrying GET")
        .doesNotContain("REDACTEDsed");
  }
}
