package dev.ducklift.rest.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * Removes secrets from text before it reaches a log, an exception, a page description or a result:
 * values of sensitive query parameters and every known secret value wherever it appears. Immutable
 * and thread-safe.
 */
public final class Redactor {
  /** What a removed secret is replaced with. */
  public static final String MASK = "REDACTED";

  /** Query parameters whose values are always removed from URLs shown to people. */
  public static final Set<String> DEFAULT_SENSITIVE_PARAMETERS =
      Set.of(
          "access_token",
          "api_key",
          "apikey",
          "api-key",
          "key",
          "token",
          "auth",
          "authorization",
          "client_secret",
          "password",
          "passwd",
          "secret",
          "signature",
          "sig",
          "session",
          "refresh_token",
          "id_token",
          "code");

  private final Set<String> sensitiveParameters;
  private final List<String> secretValues;
  private final List<String> rawSecrets;

  public Redactor(Collection<String> sensitiveParameters, Collection<Secret> secrets) {
    Set<String> names = new LinkedHashSet<>(DEFAULT_SENSITIVE_PARAMETERS);
    sensitiveParameters.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
    this.sensitiveParameters = Set.copyOf(names);
    // Longest first, so a secret that contains another one is removed whole.
    Set<String> values = new LinkedHashSet<>();
    List<String> raw = new java.util.ArrayList<>();
    for (Secret secret : secrets) {
      String v = secret.reveal();
      if (v.length() >= 3) {
        raw.add(v);
        values.add(v);
        values.add(URLEncoder.encode(v, StandardCharsets.UTF_8));
        values.add(
            HttpUrl.get("http://localhost/")
                .newBuilder()
                .addQueryParameter("v", v)
                .build()
                .encodedQuery()
                .substring(2));
      }
    }
    this.rawSecrets = List.copyOf(raw);
    this.secretValues =
        values.stream().sorted((a, b) -> Integer.compare(b.length(), a.length())).toList();
  }

  public static Redactor none() {
    return new Redactor(List.of(), List.of());
  }

  /** The URL with sensitive query values (and userinfo) replaced; safe to show. */
  public String url(HttpUrl url) {
    if (url == null) {
      return "";
    }
    HttpUrl.Builder b = url.newBuilder();
    if (!url.username().isEmpty() || !url.password().isEmpty()) {
      b.username("").password("");
    }
    for (String name : url.queryParameterNames()) {
      boolean secret = sensitiveParameters.contains(name.toLowerCase(Locale.ROOT));
      for (String value : url.queryParameterValues(name)) {
        // Decoded values catch a secret whatever percent-encoding the URL used.
        secret |= value != null && rawSecrets.stream().anyMatch(value::contains);
      }
      if (secret) {
        b.setQueryParameter(name, MASK);
      }
    }
    return text(b.build().toString());
  }

  /** {@code text} with every known secret value replaced by {@link #MASK}. */
  public String text(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secretValues) {
      if (result.contains(secret)) {
        result = result.replace(secret, MASK);
      }
    }
    return result;
  }

  /**
   * A copy of {@code error} and its causes whose messages have secrets removed. Third-party
   * exceptions (OkHttp's name the URL) are replaced by {@link DuckliftException}s that keep the
   * original class name and stack trace, so nothing secret survives in the chain.
   */
  public RuntimeException sanitize(Throwable error) {
    if (error == null) {
      return null;
    }
    RuntimeException cause =
        error.getCause() == null || error.getCause() == error ? null : sanitize(error.getCause());
    String message = text(error.getMessage());
    String shown =
        error instanceof DuckliftException
            ? message
            : error.getClass().getName() + (message == null ? "" : ": " + message);
    DuckliftException copy = new DuckliftException(shown, cause);
    copy.setStackTrace(error.getStackTrace());
    return copy;
  }
}
