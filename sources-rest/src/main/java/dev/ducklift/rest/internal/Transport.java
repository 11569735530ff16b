package dev.ducklift.rest.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.rest.ResponseAction;
import dev.ducklift.rest.RestAuth;
import dev.ducklift.rest.RestClientConfig;
import dev.ducklift.rest.RestEventListener;
import dev.ducklift.rest.RetryConfig;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared HTTP client of a REST source: one {@link OkHttpClient} whose interceptor chain does,
 * from the outside in, retries (Failsafe, with the body read inside the attempt so truncated
 * transfers are retried too), logging and events with redacted URLs, the per-host rate limit, and
 * authentication (with one re-send after a refreshed 401).
 */
public final class Transport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

  /** How long an idle connection is kept for reuse when its server announced no keep-alive. */
  static final Duration IDLE_CONNECTION_LIFETIME = Duration.ofSeconds(20);

  /** Free re-sends of one request after stale connections, before the failure counts. */
  static final int MAX_RESENDS = 3;

  private static final int MAX_IDLE_CONNECTIONS = 5;

  private final OkHttpClient bare;
  private final OkHttpClient client;
  private final Redactor redactor;

  public Transport(RestClientConfig config, Redactor redactor, RestEventListener listener) {
    this.redactor = redactor;
    // OkHttp's own retry is off: it would re-send unseen by the listener and would also re-send
    // requests that are not idempotent. Stale pooled connections are handled by ConnectionReuse and
    // ResendInterceptor instead, and every other failure by RetryInterceptor.
    ConnectionPool pool =
        new ConnectionPool(
            MAX_IDLE_CONNECTIONS, IDLE_CONNECTION_LIFETIME.toMillis(), TimeUnit.MILLISECONDS);
    OkHttpClient base =
        new OkHttpClient.Builder()
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.readTimeout())
            .writeTimeout(config.readTimeout())
            .retryOnConnectionFailure(false)
            .connectionPool(pool)
            .addNetworkInterceptor(new ConnectionReuse())
            .build();
    this.bare =
        base.newBuilder().addInterceptor(new ResendInterceptor(redactor, listener, pool)).build();
    OkHttpClient.Builder b = base.newBuilder();
    b.addInterceptor(new RetryInterceptor(config.retry(), redactor, listener, Clock.systemUTC()));
    b.addInterceptor(new EventInterceptor(redactor, listener));
    if (config.requestsPerSecond() > 0) {
      b.addInterceptor(new RateLimitInterceptor(config.requestsPerSecond(), listener));
    }
    if (config.auth() != null) {
      b.addInterceptor(new AuthInterceptor(config.auth(), bare));
    }
    // Innermost, so that a re-sent request neither waits for another rate-limit permit nor counts.
    b.addInterceptor(new ResendInterceptor(redactor, listener, pool));
    this.client = b.build();
  }

  /** The client with the whole chain. */
  public OkHttpClient client() {
    return client;
  }

  public Redactor redactor() {
    return redactor;
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  /** Whether a response with {@code status} is retried by default. */
  static boolean retryableStatus(int status) {
    return status == 429 || status == 408 || (status >= 500 && status != 501 && status != 505);
  }

  /** Retries attempts (status 429/408/5xx, I/O errors) with backoff, honouring Retry-After. */
  static final class RetryInterceptor implements Interceptor {
    private final RetryConfig retry;
    private final Redactor redactor;
    private final RestEventListener listener;
    private final Clock clock;

    RetryInterceptor(
        RetryConfig retry, Redactor redactor, RestEventListener listener, Clock clock) {
      this.retry = retry;
      this.redactor = redactor;
      this.listener = listener;
      this.clock = clock;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      RequestTag tag = request.tag(RequestTag.class);
      Instant deadline = tag == null ? Instant.MAX : tag.deadline();
      String resource = tag == null ? "" : tag.resource();
      String[] deadlineReason = new String[1];
      RetryPolicy<Response> policy =
          RetryPolicy.<Response>builder()
              .handle(IOException.class)
              .handleResultIf(r -> retryableStatus(r.code()) && !hasAction(tag, r))
              // A cancelled call or an interrupted thread stops; a socket timeout is retried.
              .abortIf(
                  (r, e) ->
                      e != null
                          && (chain.call().isCanceled()
                              || (e instanceof InterruptedIOException
                                  && !(e instanceof SocketTimeoutException))))
              .withMaxAttempts(retry.maxAttempts())
              .withDelayFn(
                  ctx -> {
                    Response last = ctx.getLastResult();
                    Duration delay = retryAfter(last);
                    if (delay == null) {
                      delay = backoff(ctx.getAttemptCount());
                    }
                    if (clock.instant().plus(delay).isAfter(deadline)) {
                      deadlineReason[0] =
                          "the next attempt in " + delay.toMillis() + " ms would pass the deadline";
                      return Duration.ZERO;
                    }
                    return delay;
                  })
              .onRetryScheduled(
                  e -> {
                    if (deadlineReason[0] != null) {
                      return;
                    }
                    String reason =
                        e.getLastException() != null
                            ? redactor.text(e.getLastException().toString())
                            : "HTTP " + e.getLastResult().code();
                    String url = redactor.url(request.url());
                    LOG.warn(
                        "Retrying {} {} of resource '{}' in {} ms (attempt {} of {}): {}",
                        request.method(),
                        url,
                        resource,
                        e.getDelay().toMillis(),
                        e.getAttemptCount() + 1,
                        retry.maxAttempts(),
                        reason);
                    listener.retryScheduled(
                        resource, url, e.getAttemptCount() + 1, e.getDelay(), reason);
                  })
              .build();
      try {
        return Failsafe.with(policy)
            .get(
                ctx -> {
                  if (deadlineReason[0] != null) {
                    throw new DeadlineExceeded(
                        "Resource '"
                            + resource
                            + "' ran out of time retrying "
                            + redactor.url(request.url())
                            + ": "
                            + deadlineReason[0]);
                  }
                  if (clock.instant().isAfter(deadline)) {
                    throw new DeadlineExceeded(
                        "Resource '"
                            + resource
                            + "' passed its deadline before requesting "
                            + redactor.url(request.url()));
                  }
                  listener.requestStarted(
                      resource,
                      request.method(),
                      redactor.url(request.url()),
                      tag == null ? 0 : tag.page(),
                      ctx.getAttemptCount() + 1);
                  return buffered(chain.proceed(request));
                });
      } catch (FailsafeException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw e;
      }
    }

    private static boolean hasAction(RequestTag tag, Response r) {
      if (tag == null) {
        return false;
      }
      for (ResponseAction action : tag.responseActions()) {
        if (action.statusCode() != null && action.statusCode() == r.code()) {
          return true;
        }
      }
      return false;
    }

    private Duration backoff(int attempts) {
      double base = retry.initialBackoff().toNanos() * Math.pow(2, Math.max(0, attempts - 1));
      base = Math.min(base, retry.maxBackoff().toNanos());
      double factor = 1 + retry.jitter() * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
      return Duration.ofNanos((long) Math.max(0, base * factor));
    }

    private Duration retryAfter(Response last) {
      if (last == null) {
        return null;
      }
      String value = last.header("Retry-After");
      if (value == null || value.isBlank()) {
        return null;
      }
      return parseRetryAfter(value.trim(), clock.instant());
    }
  }

  /** Parses a {@code Retry-After} value: delay seconds or an HTTP-date; null when unreadable. */
  public static Duration parseRetryAfter(String value, Instant now) {
    try {
      long seconds = Long.parseLong(value);
      return Duration.ofSeconds(Math.max(0, seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  /** Reads the body inside the attempt so that a broken transfer is retried like a failed call. */
  private static Response buffered(Response response) throws IOException {
    try (ResponseBody body = response.body()) {
      byte[] bytes = body.bytes();
      return response.newBuilder().body(ResponseBody.create(bytes, body.contentType())).build();
    }
  }

  /** Fails a request whose retries would pass the resource deadline. */
  public static final class DeadlineExceeded extends DuckliftException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String message) {
      super(message);
    }
  }

  /**
   * Re-sends a request at once, on a new connection and without using an attempt, when it failed
   * only because its pooled connection was stale ({@link StaleConnectionException}); the idle
   * connections of the pool are dropped too, as they are no younger. After {@link #MAX_RESENDS} the
   * failure goes to the retry policy like any other.
   */
  static final class ResendInterceptor implements Interceptor {
    private final Redactor redactor;
    private final RestEventListener listener;
    private final ConnectionPool pool;

    ResendInterceptor(Redactor redactor, RestEventListener listener, ConnectionPool pool) {
      this.redactor = redactor;
      this.listener = listener;
      this.pool = pool;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      for (int resends = 0; ; resends++) {
        try {
          return chain.proceed(request);
        } catch (StaleConnectionException e) {
          if (resends >= MAX_RESENDS || chain.call().isCanceled()) {
            throw e;
          }
          pool.evictAll();
          RequestTag tag = request.tag(RequestTag.class);
          String resource = tag == null ? "" : tag.resource();
          String url = redactor.url(request.url());
          LOG.debug(
              "Re-sending {} {} of resource '{}' on a new connection: {}",
              request.method(),
              url,
              resource,
              e.getMessage());
          listener.requestResent(
              resource, request.method(), url, tag == null ? 0 : tag.page(), e.getMessage());
        }
      }
    }
  }

  /** Logs each attempt at debug level and reports it to the listener, with redacted URLs. */
  static final class EventInterceptor implements Interceptor {
    private final Redactor redactor;
    private final RestEventListener listener;

    EventInterceptor(Redactor redactor, RestEventListener listener) {
      this.redactor = redactor;
      this.listener = listener;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      RequestTag tag = request.tag(RequestTag.class);
      String resource = tag == null ? "" : tag.resource();
      String url = redactor.url(request.url());
      long start = System.nanoTime();
      Response response = chain.proceed(request);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "{} {} -> {} in {} ms", request.method(), url, response.code(), elapsed.toMillis());
      }
      listener.responseReceived(resource, url, response.code(), elapsed);
      return response;
    }
  }

  /** Spaces requests to each host evenly so that at most N go out per second. */
  static final class RateLimitInterceptor implements Interceptor {
    private final Duration interval;
    private final RestEventListener listener;
    private final ConcurrentHashMap<String, RateLimiter<Object>> limiters =
        new ConcurrentHashMap<>();

    RateLimitInterceptor(double requestsPerSecond, RestEventListener listener) {
      this.interval = Duration.ofNanos((long) (TimeUnit.SECONDS.toNanos(1) / requestsPerSecond));
      this.listener = listener;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      String host = chain.request().url().host() + ":" + chain.request().url().port();
      RateLimiter<Object> limiter =
          limiters.computeIfAbsent(host, h -> RateLimiter.smoothBuilder(interval).build());
      long start = System.nanoTime();
      try {
        limiter.acquirePermit();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted while waiting for the rate limit");
      }
      long waited = System.nanoTime() - start;
      if (waited > TimeUnit.MILLISECONDS.toNanos(1)) {
        listener.rateLimited(host, Duration.ofNanos(waited));
      }
      return chain.proceed(chain.request());
    }
  }

  /** Authenticates each attempt; re-sends once after a 401 when the auth refreshed itself. */
  static final class AuthInterceptor implements Interceptor {
    private final RestAuth auth;
    private final Call.Factory bare;

    AuthInterceptor(RestAuth auth, Call.Factory bare) {
      this.auth = auth;
      this.bare = bare;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request original = chain.request();
      Request authenticated = auth.authenticate(original, bare);
      Response response = chain.proceed(authenticated);
      if (response.code() == 401 && auth.refreshAfterUnauthorized(authenticated, response, bare)) {
        response.close();
        return chain.proceed(auth.authenticate(original, bare));
      }
      return response;
    }
  }

  /** A short excerpt of a body for error messages, with secrets removed. */
  public static String excerpt(byte[] body, Redactor redactor) {
    if (body == null || body.length == 0) {
      return "(empty body)";
    }
    int n = Math.min(body.length, 300);
    String text = new String(body, 0, n, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
    return redactor.text(text) + (body.length > n ? "..." : "");
  }
}
