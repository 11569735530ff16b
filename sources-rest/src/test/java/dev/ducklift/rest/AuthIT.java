package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthIT {
  private MockWebServer server;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    server.close();
  }

  private void serve(java.util.function.Function<RecordedRequest, MockResponse> routes)
      throws Exception {
    server =
        Servers.start(
            request -> {
              requests.add(request);
              return routes.apply(request);
            });
  }

  private List<RecordedRequest> apiRequests() {
    return requests.stream().filter(r -> !r.getUrl().encodedPath().equals("/token")).toList();
  }

  private List<RecordedRequest> tokenRequests() {
    return requests.stream().filter(r -> r.getUrl().encodedPath().equals("/token")).toList();
  }

  private Collected run(RestAuth auth, String path) throws Exception {
    RestClientConfig client = Servers.client(server).auth(auth).build();
    try (RestSource source =
        Servers.source(client, RestResourceConfig.builder("items").path(path).build())) {
      return Collected.extract(source.resource("items"));
    }
  }

  @Test
  void bearerTokenGoesInTheAuthorizationHeader() throws Exception {
    serve(r -> json("[{\"id\":1}]"));
    run(RestAuth.bearer(Secret.of("tok-123")), "items");
    assertThat(requests.get(0).getHeaders().get("Authorization")).isEqualTo("Bearer tok-123");
  }

  @Test
  void apiKeyGoesInAHeaderAQueryParameterOrACookie() throws Exception {
    serve(r -> json("[{\"id\":1}]"));
    run(RestAuth.apiKey("X-Api-Key", Secret.of("k1"), RestAuth.ApiKey.Location.HEADER), "a");
    run(RestAuth.apiKey("api_key", Secret.of("k2"), RestAuth.ApiKey.Location.QUERY), "b?x=1");
    run(RestAuth.apiKey("session", Secret.of("k3"), RestAuth.ApiKey.Location.COOKIE), "c");
    assertThat(requests.get(0).getHeaders().get("X-Api-Key")).isEqualTo("k1");
    assertThat(requests.get(1).getUrl().queryParameter("api_key")).isEqualTo("k2");
    assertThat(requests.get(1).getUrl().queryParameter("x")).isEqualTo("1");
    assertThat(requests.get(2).getHeaders().get("Cookie")).isEqualTo("session=k3");
  }

  @Test
  void httpBasicSendsEncodedCredentials() throws Exception {
    serve(r -> json("[{\"id\":1}]"));
    run(RestAuth.basic("alice", Secret.of("s3cret:pw")), "items");
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("alice:s3cret:pw".getBytes(StandardCharsets.UTF_8));
    assertThat(requests.get(0).getHeaders().get("Authorization")).isEqualTo(expected);
  }

  /** A token endpoint handing out tok-1, tok-2, ... each valid for {@code expiresIn} seconds. */
  private MockResponse token(AtomicInteger issued, long expiresIn) {
    return json(
        "{\"access_token\":\"tok-"
            + issued.incrementAndGet()
            + "\",\"token_type\":\"bearer\","
            + "\"expires_in\":"
            + expiresIn
            + "}");
  }

  @Test
  void oauth2FetchesOneTokenAndReusesItWhileValid() throws Exception {
    AtomicInteger issued = new AtomicInteger();
    serve(
        r ->
            r.getUrl().encodedPath().equals("/token")
                ? token(issued, 3600)
                : json(
                    "{\"data\":[{\"id\":1}],\"next\":"
                        + (r.getUrl().queryParameter("p") == null ? "\"/items?p=2\"" : "null")
                        + "}"));
    OAuth2ClientCredentials auth =
        RestAuth.oauth2ClientCredentials(
                server.url("/token").toString(), "client-a", Secret.of("cs-9"))
            .scope("read")
            .build();
    run(auth, "items");
    assertThat(tokenRequests()).hasSize(1);
    RecordedRequest tokenRequest = tokenRequests().get(0);
    assertThat(tokenRequest.getMethod()).isEqualTo("POST");
    assertThat(tokenRequest.getBody().utf8())
        .contains("grant_type=client_credentials")
        .contains("scope=read");
    assertThat(tokenRequest.getHeaders().get("Authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("client-a:cs-9".getBytes(StandardCharsets.UTF_8)));
    assertThat(apiRequests()).hasSize(2);
    assertThat(apiRequests())
        .allMatch(r -> "Bearer tok-1".equals(r.getHeaders().get("Authorization")));
  }

  @Test
  void oauth2RefreshesTheTokenBeforeItExpires() throws Exception {
    AtomicInteger issued = new AtomicInteger();
    serve(
        r -> r.getUrl().encodedPath().equals("/token") ? token(issued, 30) : json("[{\"id\":1}]"));
    OAuth2ClientCredentials auth =
        RestAuth.oauth2ClientCredentials(server.url("/token").toString(), "c", Secret.of("cs"))
            .credentialsInBody(true)
            .refreshMargin(Duration.ofSeconds(10))
            .clock(clock)
            .build();
    run(auth, "items");
    // 15 s later the token has 15 s left, more than the margin: still valid.
    clock.advance(Duration.ofSeconds(15));
    run(auth, "items");
    // 25 s after issue only 5 s are left, inside the 10 s margin: refreshed before expiry.
    clock.advance(Duration.ofSeconds(10));
    run(auth, "items");
    assertThat(tokenRequests()).hasSize(2);
    assertThat(tokenRequests().get(0).getBody().utf8())
        .contains("client_id=c")
        .contains("client_secret=cs");
    assertThat(apiRequests().stream().map(r -> r.getHeaders().get("Authorization")).toList())
        .containsExactly("Bearer tok-1", "Bearer tok-1", "Bearer tok-2");
  }

  private final MutableClock clock = new MutableClock();

  /** A clock the test moves forward. */
  static final class MutableClock extends java.time.Clock {
    private volatile java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  @Test
  void oauth2FetchesANewTokenAfterA401AndResendsTheRequest() throws Exception {
    AtomicInteger issued = new AtomicInteger();
    serve(
        r -> {
          if (r.getUrl().encodedPath().equals("/token")) {
            return token(issued, 3600);
          }
          // The server revoked tok-1 early.
          return "Bearer tok-1".equals(r.getHeaders().get("Authorization"))
              ? Servers.status(401)
              : json("[{\"id\":1}]");
        });
    OAuth2ClientCredentials auth =
        RestAuth.oauth2ClientCredentials(server.url("/token").toString(), "c", Secret.of("cs"))
            .build();
    Collected c = run(auth, "items");
    assertThat(c.field("id")).containsExactly(1);
    assertThat(tokenRequests()).hasSize(2);
    assertThat(apiRequests().stream().map(r -> r.getHeaders().get("Authorization")).toList())
        .containsExactly("Bearer tok-1", "Bearer tok-2");
  }

  @Test
  void aFailedTokenRequestFailsTheResourceWithoutShowingTheClientSecret() throws Exception {
    serve(r -> Servers.status(400));
    OAuth2ClientCredentials auth =
        RestAuth.oauth2ClientCredentials(
                server.url("/token").toString(), "c", Secret.of("very-secret-value"))
            .build();
    assertThatThrownBy(() -> run(auth, "items"))
        .hasMessageContaining("OAuth2 token request")
        .hasMessageContaining("HTTP 400")
        .satisfies(e -> assertThat(Redaction.chainText(e)).doesNotContain("very-secret-value"));
  }

  /** A custom scheme: signs each request with a header derived from its path. */
  record SigningAuth(Secret key) implements RestAuth {
    @Override
    public Request authenticate(Request request, Call.Factory http) {
      return request
          .newBuilder()
          .header("X-Signature", key.reveal() + ":" + request.url().encodedPath())
          .build();
    }
  }

  /** The custom auth as a config-created class: reads its key from the config node. */
  public static final class SigningAuthFactory implements RestAuth {
    private final SigningAuth delegate;

    public SigningAuthFactory(com.fasterxml.jackson.databind.JsonNode config) {
      this.delegate = new SigningAuth(Secret.of(config.path("key").asText("default-key")));
    }

    @Override
    public Request authenticate(Request request, Call.Factory http) {
      return delegate.authenticate(request, http);
    }
  }

  @Test
  void customAuthIsAppliedToEveryRequest() throws Exception {
    serve(r -> json("[{\"id\":1}]"));
    run(new SigningAuth(Secret.of("k")), "signed/path");
    assertThat(requests.get(0).getHeaders().get("X-Signature")).isEqualTo("k:/signed/path");
  }
}
