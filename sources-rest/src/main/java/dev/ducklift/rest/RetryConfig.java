package dev.ducklift.rest;

import dev.ducklift.core.DuckliftException;
import java.time.Duration;
import java.util.Objects;

/**
 * How failed requests are retried: on HTTP 429 and 5xx, timeouts and broken connections, with
 * exponential backoff and jitter, honouring {@code Retry-After}.
 *
 * @param maxAttempts attempts per request, including the first (1 disables retries)
 * @param initialBackoff the delay before the first retry; doubled for each further retry
 * @param maxBackoff the longest computed backoff (a {@code Retry-After} may ask for longer)
 * @param jitter the random fraction (0..1) added to or removed from each computed backoff
 * @param resourceDeadline the longest time one resource may spend extracting, retries included; a
 *     retry that would end after it fails the resource instead
 */
public record RetryConfig(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double jitter,
    Duration resourceDeadline) {

  public RetryConfig {
    if (maxAttempts < 1) {
      throw new DuckliftException("Retry max attempts must be >= 1: " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(resourceDeadline, "resourceDeadline");
    if (jitter < 0 || jitter > 1) {
      throw new DuckliftException("Retry jitter must be between 0 and 1: " + jitter);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      maxBackoff = initialBackoff;
    }
  }

  /** 5 attempts, backoff from 1 s to 60 s with 25 % jitter, 1 hour per resource. */
  public static RetryConfig defaults() {
    return new RetryConfig(
        5, Duration.ofSeconds(1), Duration.ofSeconds(60), 0.25, Duration.ofHours(1));
  }

  public RetryConfig withMaxAttempts(int attempts) {
    return new RetryConfig(attempts, initialBackoff, maxBackoff, jitter, resourceDeadline);
  }

  public RetryConfig withBackoff(Duration initial, Duration max) {
    return new RetryConfig(maxAttempts, initial, max, jitter, resourceDeadline);
  }

  public RetryConfig withJitter(double fraction) {
    return new RetryConfig(maxAttempts, initialBackoff, maxBackoff, fraction, resourceDeadline);
  }

  public RetryConfig withResourceDeadline(Duration deadline) {
    return new RetryConfig(maxAttempts, initialBackoff, maxBackoff, jitter, deadline);
  }
}
