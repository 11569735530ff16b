package dev.ducklift.rest;

import dev.ducklift.core.DuckliftException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * The HTTP client settings of a REST source, shared by all its resources.
 *
 * @param baseUrl the URL endpoint paths are resolved against (may be {@code null} when every path
 *     is absolute)
 * @param headers headers sent with every request (resource headers override them by name)
 * @param auth the authentication, or {@code null}
 * @param paginator the default paginator, or {@code null} for auto-detection
 * @param retry retries and the per-resource deadline
 * @param requestsPerSecond the most requests per second sent to one host (0 for no limit); requests
 *     are spaced evenly so a run does not provoke 429s
 * @param connectTimeout the connect timeout
 * @param readTimeout the read timeout (between bytes)
 * @param maxConcurrency how many request sequences one resource runs at once (children of different
 *     parents); 1 fetches them one after the other
 */
public record RestClientConfig(
    String baseUrl,
    Map<String, String> headers,
    RestAuth auth,
    Paginator paginator,
    RetryConfig retry,
    double requestsPerSecond,
    Duration connectTimeout,
    Duration readTimeout,
    int maxConcurrency) {

  public RestClientConfig {
    if (baseUrl != null) {
      String withSlash = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
      if (HttpUrl.parse(withSlash) == null) {
        throw new DuckliftException("Base URL '" + baseUrl + "' is not a valid http(s) URL");
      }
      baseUrl = withSlash;
    }
    headers =
        headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    retry = retry == null ? RetryConfig.defaults() : retry;
    if (requestsPerSecond < 0) {
      throw new DuckliftException("Requests per second must be >= 0: " + requestsPerSecond);
    }
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    readTimeout = readTimeout == null ? Duration.ofSeconds(60) : readTimeout;
    if (maxConcurrency < 1) {
      throw new DuckliftException("Max concurrency must be >= 1: " + maxConcurrency);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public static Builder builder(String baseUrl) {
    return new Builder().baseUrl(baseUrl);
  }

  public Builder newBuilder() {
    Builder b = new Builder();
    b.baseUrl = baseUrl;
    b.headers.putAll(headers);
    b.auth = auth;
    b.paginator = paginator;
    b.retry = retry;
    b.requestsPerSecond = requestsPerSecond;
    b.connectTimeout = connectTimeout;
    b.readTimeout = readTimeout;
    b.maxConcurrency = maxConcurrency;
    return b;
  }

  /** Builds a {@link RestClientConfig}. Not thread-safe. */
  public static final class Builder {
    private String baseUrl;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private RestAuth auth;
    private Paginator paginator;
    private RetryConfig retry = RetryConfig.defaults();
    private double requestsPerSecond;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private int maxConcurrency = 4;

    private Builder() {}

    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    public Builder header(String name, String value) {
      this.headers.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
      return this;
    }

    public Builder auth(RestAuth auth) {
      this.auth = auth;
      return this;
    }

    public Builder paginator(Paginator paginator) {
      this.paginator = paginator;
      return this;
    }

    public Builder retry(RetryConfig retry) {
      this.retry = retry;
      return this;
    }

    public Builder requestsPerSecond(double limit) {
      this.requestsPerSecond = limit;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    public Builder maxConcurrency(int concurrency) {
      this.maxConcurrency = concurrency;
      return this;
    }

    public RestClientConfig build() {
      return new RestClientConfig(
          baseUrl,
          headers,
          auth,
          paginator,
          retry,
          requestsPerSecond,
          connectTimeout,
          readTimeout,
          maxConcurrency);
    }
  }
}
