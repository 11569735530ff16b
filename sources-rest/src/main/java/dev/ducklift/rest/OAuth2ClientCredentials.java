package dev.ducklift.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Secret;
import dev.ducklift.rest.internal.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * OAuth2 client-credentials authentication (RFC 6749 section 4.4). The access token is fetched on
 * first use, cached, fetched again {@link #refreshMargin()} before it expires, and fetched again
 * when the API answers 401 to a request that carried it.
 *
 * <p>Equality compares the configuration only, not the cached token. Thread-safe: concurrent
 * requests share one token fetch.
 */
public final class OAuth2ClientCredentials implements RestAuth {
  private final HttpUrl tokenUrl;
  private final String clientId;
  private final Secret clientSecret;
  private final String scope;
  private final Map<String, String> extraParameters;
  private final Duration refreshMargin;
  private final boolean credentialsInBody;
  private final Clock clock;

  private final Object lock = new Object();
  private volatile Token token;

  private record Token(Secret value, Instant refreshAt) {}

  private OAuth2ClientCredentials(Builder b) {
    this.tokenUrl = HttpUrl.parse(Objects.requireNonNull(b.tokenUrl, "tokenUrl"));
    if (tokenUrl == null) {
      throw new DuckliftException("OAuth2 token URL is not a valid http(s) URL");
    }
    this.clientId = Objects.requireNonNull(b.clientId, "clientId");
    this.clientSecret = Objects.requireNonNull(b.clientSecret, "clientSecret");
    this.scope = b.scope;
    this.extraParameters = Map.copyOf(b.extraParameters);
    this.refreshMargin = b.refreshMargin;
    this.credentialsInBody = b.credentialsInBody;
    this.clock = b.clock;
  }

  public static Builder builder(String tokenUrl, String clientId, Secret clientSecret) {
    return new Builder(tokenUrl, clientId, clientSecret);
  }

  public Builder newBuilder() {
    Builder b = new Builder(tokenUrl.toString(), clientId, clientSecret);
    b.scope = scope;
    b.extraParameters.putAll(extraParameters);
    b.refreshMargin = refreshMargin;
    b.credentialsInBody = credentialsInBody;
    b.clock = clock;
    return b;
  }

  public HttpUrl tokenUrl() {
    return tokenUrl;
  }

  public String clientId() {
    return clientId;
  }

  public String scope() {
    return scope;
  }

  public Duration refreshMargin() {
    return refreshMargin;
  }

  public boolean credentialsInBody() {
    return credentialsInBody;
  }

  public Map<String, String> extraParameters() {
    return extraParameters;
  }

  @Override
  public Request authenticate(Request request, Call.Factory http) throws IOException {
    return request
        .newBuilder()
        .header("Authorization", "Bearer " + currentToken(http).value().reveal())
        .build();
  }

  @Override
  public boolean refreshAfterUnauthorized(Request request, Response response, Call.Factory http)
      throws IOException {
    String sent = request.header("Authorization");
    synchronized (lock) {
      Token current = token;
      // Only the first of several concurrent 401s for one token fetches a new one.
      if (current != null && ("Bearer " + current.value().reveal()).equals(sent)) {
        token = null;
      }
    }
    currentToken(http);
    return true;
  }

  private Token currentToken(Call.Factory http) throws IOException {
    Token current = token;
    if (current != null && clock.instant().isBefore(current.refreshAt())) {
      return current;
    }
    synchronized (lock) {
      current = token;
      if (current != null && clock.instant().isBefore(current.refreshAt())) {
        return current;
      }
      token = fetch(http);
      return token;
    }
  }

  private Token fetch(Call.Factory http) throws IOException {
    FormBody.Builder form = new FormBody.Builder().add("grant_type", "client_credentials");
    if (scope != null) {
      form.add("scope", scope);
    }
    extraParameters.forEach(form::add);
    Request.Builder request = new Request.Builder().url(tokenUrl);
    if (credentialsInBody) {
      form.add("client_id", clientId).add("client_secret", clientSecret.reveal());
    } else {
      request.header("Authorization", Credentials.basic(clientId, clientSecret.reveal()));
    }
    Instant requested = clock.instant();
    try (Response response = http.newCall(request.post(form.build()).build()).execute()) {
      ResponseBody body = response.body();
      if (!response.isSuccessful()) {
        throw new DuckliftException(
            "OAuth2 token request to " + tokenUrl + " failed with HTTP " + response.code());
      }
      JsonNode json;
      try {
        json = Json.parse(body.bytes());
      } catch (IOException e) {
        throw new DuckliftException(
            "OAuth2 token response from " + tokenUrl + " is not valid JSON");
      }
      JsonNode accessToken = json.get("access_token");
      if (accessToken == null || accessToken.asText().isEmpty()) {
        throw new DuckliftException(
            "OAuth2 token response from " + tokenUrl + " has no access_token");
      }
      JsonNode expiresIn = json.get("expires_in");
      long seconds = expiresIn != null && expiresIn.canConvertToLong() ? expiresIn.asLong() : 3600;
      if (expiresIn != null && expiresIn.isTextual()) {
        try {
          seconds = Long.parseLong(expiresIn.asText().trim());
        } catch (NumberFormatException ignored) {
          seconds = 3600;
        }
      }
      Instant refreshAt = requested.plusSeconds(seconds).minus(refreshMargin);
      return new Token(Secret.of(accessToken.asText()), refreshAt);
    }
  }

  @Override
  public List<Secret> secrets() {
    Token current = token;
    return current == null ? List.of(clientSecret) : List.of(clientSecret, current.value());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OAuth2ClientCredentials other
        && tokenUrl.equals(other.tokenUrl)
        && clientId.equals(other.clientId)
        && clientSecret.equals(other.clientSecret)
        && Objects.equals(scope, other.scope)
        && extraParameters.equals(other.extraParameters)
        && refreshMargin.equals(other.refreshMargin)
        && credentialsInBody == other.credentialsInBody;
  }

  @Override
  public int hashCode() {
    return Objects.hash(tokenUrl, clientId, clientSecret, scope, extraParameters, refreshMargin);
  }

  @Override
  public String toString() {
    return "OAuth2ClientCredentials[tokenUrl="
        + tokenUrl
        + ", clientId="
        + clientId
        + ", clientSecret="
        + clientSecret
        + ", scope="
        + scope
        + "]";
  }

  /** Builds {@link OAuth2ClientCredentials}. Not thread-safe. */
  public static final class Builder {
    private final String tokenUrl;
    private final String clientId;
    private final Secret clientSecret;
    private String scope;
    private final Map<String, String> extraParameters = new LinkedHashMap<>();
    private Duration refreshMargin = Duration.ofSeconds(60);
    private boolean credentialsInBody;
    private Clock clock = Clock.systemUTC();

    private Builder(String tokenUrl, String clientId, Secret clientSecret) {
      this.tokenUrl = tokenUrl;
      this.clientId = clientId;
      this.clientSecret = clientSecret;
    }

    public Builder scope(String scope) {
      this.scope = scope;
      return this;
    }

    /** An extra form parameter of the token request (for example {@code audience}). */
    public Builder extraParameter(String name, String value) {
      this.extraParameters.put(name, value);
      return this;
    }

    /** How long before expiry the token is fetched again (default 60 s). */
    public Builder refreshMargin(Duration margin) {
      this.refreshMargin = Objects.requireNonNull(margin, "margin");
      return this;
    }

    /** Sends the client credentials as form fields instead of HTTP basic (default false). */
    public Builder credentialsInBody(boolean inBody) {
      this.credentialsInBody = inBody;
      return this;
    }

    /** The clock deciding expiry (tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public OAuth2ClientCredentials build() {
      return new OAuth2ClientCredentials(this);
    }
  }
}
