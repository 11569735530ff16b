package dev.ducklift.rest;

import java.time.Duration;

/**
 * Observes the HTTP activity of a REST source, for progress and metrics. Every method does nothing
 * by default, so new events never break a listener. URLs are shown with secrets removed. Methods
 * are called from extraction threads, concurrently; they must be fast and must not throw.
 */
public abstract class RestEventListener {
  /** A listener that ignores everything. */
  public static final RestEventListener NONE = new RestEventListener() {};

  /** An attempt of a request is about to be sent (attempt counts from 1). */
  public void requestStarted(String resource, String method, String url, int page, int attempt) {}

  /**
   * A request is sent again at once on a new connection because its pooled connection had been
   * closed by the server before any response arrived. This is not a retry: it waits for nothing and
   * uses no attempt.
   */
  public void requestResent(String resource, String method, String url, int page, String reason) {}

  /** A response arrived (before any retry decision). */
  public void responseReceived(String resource, String url, int status, Duration elapsed) {}

  /** A request failed and will be retried after {@code delay}. */
  public void retryScheduled(
      String resource, String url, int attempt, Duration delay, String reason) {}

  /** The client-side rate limit held a request back for {@code waited}. */
  public void rateLimited(String host, Duration waited) {}

  /** A page of records was handed to the pipeline. */
  public void pageExtracted(String resource, String description, int records, String stateKey) {}
}
