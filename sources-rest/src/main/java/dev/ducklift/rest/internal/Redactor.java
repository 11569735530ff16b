package dev.ducklift.rest.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretMask;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * Removes secrets from text before it reaches a log, an exception, a page description or a result:
 * values of sensitive query parameters and every declared secret value wherever it appears (a value
 * shorter than four characters only as a whole word, see {@link SecretMask}). Immutable and
 * thread-safe.
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
  private final SecretMask mask;

  public Redactor(Collection<String> sensitiveParameters, Collection<Secret> secrets) {
    Set<String> names = new LinkedHashSet<>(DEFAULT_SENSITIVE_PARAMETERS);
    sensitiveParameters.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
    this.sensitiveParameters = Set.copyOf(names);
    // Each secret as written and as it appears percent-encoded in a URL.
    List<String> values = new ArrayList<>();
    for (Secret secret : secrets) {
      String v = secret.reveal();
      if (v.isEmpty()) {
        continue;
      }
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
    this.mask = SecretMask.of(MASK, values);
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
        secret |= mask.appearsIn(value);
      }
      if (secret) {
        b.setQueryParameter(name, MASK);
      }
    }
    return text(b.build().toString());
  }

  /**
   * {@code text} with every known secret value replaced by {@link #MASK}; values shorter than
   * {@link SecretMask#MIN_CREDENTIAL_LENGTH} only where they stand alone as a word.
   */
  public String text(String text) {
    return mask.apply(text);
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
