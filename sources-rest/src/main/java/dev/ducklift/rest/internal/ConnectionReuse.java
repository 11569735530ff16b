package dev.ducklift.rest.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.net.Socket;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * The network interceptor that tells a pooled connection the server had already closed from a
 * failed request. A request that fails on a connection that served an earlier exchange, before its
 * response headers arrived, is reported as a {@link StaleConnectionException} when it may be sent
 * again: always when nothing was written, else only for idempotent requests (GET, HEAD, OPTIONS,
 * PUT, DELETE, or a request with an {@code Idempotency-Key} header). Timeouts and malformed
 * responses are never stale. The same failure on a fresh connection is a real fault.
 *
 * <p>It also follows the server's wishes about keeping connections: an HTTP/1.0 response without
 * {@code Connection: keep-alive} closes its connection once its body is read, and a connection idle
 * past the {@code Keep-Alive: timeout=N} its server announced is closed before it is used instead
 * of being written to. Thread-safe.
 */
final class ConnectionReuse implements Interceptor {
  /** Methods RFC 9110 defines as idempotent. */
  private static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  /** Connections that completed an exchange, with when they last went idle. */
  private final Map<Connection, Usage> used = Collections.synchronizedMap(new WeakHashMap<>());

  /** What is known about a connection that served a response. */
  private static final class Usage {
    /** How long the server keeps an idle connection, in nanoseconds; 0 when it did not say. */
    final long keepAliveNanos;

    /** {@link System#nanoTime()} when the last response body was closed (or headers arrived). */
    volatile long idleSince;

    Usage(long keepAliveNanos, long idleSince) {
      this.keepAliveNanos = keepAliveNanos;
      this.idleSince = idleSince;
    }
  }

  /** Whether {@code request} may be sent twice: an idempotent method or an idempotency key. */
  static boolean idempotent(Request request) {
    return IDEMPOTENT.contains(request.method()) || request.header("Idempotency-Key") != null;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Connection connection = chain.connection();
    Usage usage = connection == null ? null : used.get(connection);
    if (usage != null && usage.keepAliveNanos > 0) {
      long idle = System.nanoTime() - usage.idleSince;
      if (idle >= usage.keepAliveNanos) {
        // The server has closed it or is about to; nothing was written, so any request may move.
        closeQuietly(connection.socket());
        used.remove(connection);
        throw new StaleConnectionException(
            "a connection idle for "
                + TimeUnit.NANOSECONDS.toMillis(idle)
                + " ms was past the server's keep-alive timeout",
            null);
      }
    }
    Response response;
    try {
      response = chain.proceed(request);
    } catch (IOException e) {
      if (usage != null
          && !(e instanceof InterruptedIOException)
          && !(e instanceof ProtocolException)
          && idempotent(request)) {
        used.remove(connection);
        throw new StaleConnectionException(
            "the server had closed the reused connection before responding", e);
      }
      throw e;
    }
    if (connection == null) {
      return response;
    }
    if (closesAfterResponse(response)) {
      used.remove(connection);
      return withBodyCloseAction(response, () -> closeQuietly(connection.socket()));
    }
    Usage now = new Usage(keepAliveNanos(response), System.nanoTime());
    used.put(connection, now);
    return withBodyCloseAction(response, () -> now.idleSince = System.nanoTime());
  }

  /** An HTTP/1.0 response keeps its connection only when it says {@code keep-alive}. */
  private static boolean closesAfterResponse(Response response) {
    String connectionHeader = response.header("Connection");
    if (connectionHeader != null && connectionHeader.toLowerCase(Locale.ROOT).contains("close")) {
      return true;
    }
    return response.protocol() == Protocol.HTTP_1_0
        && (connectionHeader == null
            || !connectionHeader.toLowerCase(Locale.ROOT).contains("keep-alive"));
  }

  /**
   * The idle time after which a connection is no longer used, from {@code Keep-Alive: timeout=N}: N
   * seconds less a margin for the server's clock starting before ours (a second, or half of N when
   * N is two seconds or less). 0 when the header is absent.
   */
  static long keepAliveNanos(Response response) {
    Duration timeout = keepAliveTimeout(response.header("Keep-Alive"));
    if (timeout == null) {
      return 0;
    }
    long nanos = timeout.toNanos();
    long margin = Math.min(TimeUnit.SECONDS.toNanos(1), nanos / 2);
    return Math.max(1, nanos - margin);
  }

  /** The {@code timeout} of a {@code Keep-Alive} header value; null when absent or unreadable. */
  static Duration keepAliveTimeout(String header) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("timeout")) {
        try {
          long seconds = Long.parseLong(p.substring(eq + 1).trim());
          return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** {@code response} whose body runs {@code action} before it is closed. */
  private static Response withBodyCloseAction(Response response, Runnable action) {
    ResponseBody body = response.body();
    BufferedSource source =
        Okio.buffer(
            new ForwardingSource(body.source()) {
              private boolean done;

              @Override
              public void close() throws IOException {
                if (!done) {
                  done = true;
                  action.run();
                }
                super.close();
              }
            });
    return response
        .newBuilder()
        .body(ResponseBody.create(source, body.contentType(), body.contentLength()))
        .build();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException | RuntimeException ignored) {
      // Closing is all that is wanted; a failure means it is closed already.
    }
  }
}
