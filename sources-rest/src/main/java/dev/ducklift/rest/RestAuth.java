package dev.ducklift.rest;

import dev.ducklift.core.Secret;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import okhttp3.Call;
import okhttp3.Credentials;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Adds credentials to requests. An extension point: implement it for schemes the built-in kinds do
 * not cover (request signing, session cookies, ...).
 *
 * <p>Implementations are thread-safe; they are called for every request, concurrently. Secret
 * values come as {@link Secret}s and must be listed by {@link #secrets()} so they are redacted from
 * anything shown (logs, errors, page descriptions).
 */
public interface RestAuth {

  /**
   * Returns {@code request} with credentials added.
   *
   * @param http a client without authentication, rate limiting or retries, for token requests
   */
  Request authenticate(Request request, Call.Factory http) throws IOException;

  /**
   * Called when a request authenticated by this auth got HTTP 401. Returns {@code true} when the
   * credentials were refreshed and the request should be sent once more. The default returns {@code
   * false}.
   */
  default boolean refreshAfterUnauthorized(Request request, Response response, Call.Factory http)
      throws IOException {
    return false;
  }

  /** Query parameters this auth adds, whose values must never be shown. */
  default Set<String> sensitiveQueryParameters() {
    return Set.of();
  }

  /** The secret values this auth uses, redacted wherever text is shown. */
  default List<Secret> secrets() {
    return List.of();
  }

  /** {@code Authorization: Bearer <token>}. */
  static Bearer bearer(Secret token) {
    return new Bearer(token);
  }

  /** An API key sent as header, query parameter or cookie {@code name}. */
  static ApiKey apiKey(String name, Secret value, ApiKey.Location location) {
    return new ApiKey(name, value, location);
  }

  /** HTTP basic authentication. */
  static Basic basic(String username, Secret password) {
    return new Basic(username, password);
  }

  /** OAuth2 client credentials: a token fetched from {@code tokenUrl}, cached and refreshed. */
  static OAuth2ClientCredentials.Builder oauth2ClientCredentials(
      String tokenUrl, String clientId, Secret clientSecret) {
    return OAuth2ClientCredentials.builder(tokenUrl, clientId, clientSecret);
  }

  /** A bearer token. */
  record Bearer(Secret token) implements RestAuth {
    public Bearer {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public Request authenticate(Request request, Call.Factory http) {
      return request.newBuilder().header("Authorization", "Bearer " + token.reveal()).build();
    }

    @Override
    public List<Secret> secrets() {
      return List.of(token);
    }
  }

  /** An API key. */
  record ApiKey(String name, Secret value, Location location) implements RestAuth {
    /** Where the key is sent. */
    public enum Location {
      HEADER,
      QUERY,
      COOKIE;

      public static Location fromConfigName(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      }
    }

    public ApiKey {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      location = location == null ? Location.HEADER : location;
    }

    @Override
    public Request authenticate(Request request, Call.Factory http) {
      return switch (location) {
        case HEADER -> request.newBuilder().header(name, value.reveal()).build();
        case QUERY ->
            request
                .newBuilder()
                .url(request.url().newBuilder().setQueryParameter(name, value.reveal()).build())
                .build();
        case COOKIE -> {
          String existing = request.header("Cookie");
          String cookie = name + "=" + value.reveal();
          yield request
              .newBuilder()
              .header("Cookie", existing == null ? cookie : existing + "; " + cookie)
              .build();
        }
      };
    }

    @Override
    public Set<String> sensitiveQueryParameters() {
      return location == Location.QUERY ? Set.of(name) : Set.of();
    }

    @Override
    public List<Secret> secrets() {
      return List.of(value);
    }
  }

  /** HTTP basic authentication; the user name is not secret, the password is. */
  record Basic(String username, Secret password) implements RestAuth {
    public Basic {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public Request authenticate(Request request, Call.Factory http) {
      return request
          .newBuilder()
          .header("Authorization", Credentials.basic(username, password.reveal()))
          .build();
    }

    @Override
    public List<Secret> secrets() {
      return List.of(
          password, Secret.of(Credentials.basic(username, password.reveal()).substring(6)));
    }
  }
}
