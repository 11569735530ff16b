package dev.ducklift.samples.schedule;

import java.time.Duration;
import java.util.Objects;

/**
 * How a failed run is retried: up to {@code maxAttempts} attempts in total, waiting {@code
 * initialBackoff}, then {@code initialBackoff * multiplier}, … capped at {@code maxBackoff}.
 *
 * @param maxAttempts attempts per fire, including the first (1 = no retry)
 * @param initialBackoff the wait before the second attempt
 * @param multiplier how much each further wait grows (at least 1)
 * @param maxBackoff the longest wait
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

  /** No retries: a failed fire waits for the next scheduled one. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("Max attempts must be at least 1: " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("Backoff must not be negative");
    }
    if (multiplier < 1.0) {
      throw new IllegalArgumentException("Backoff multiplier must be at least 1: " + multiplier);
    }
  }

  /** Exponential backoff doubling from {@code initialBackoff} up to {@code maxBackoff}. */
  public static RetryPolicy exponential(
      int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    return new RetryPolicy(maxAttempts, initialBackoff, 2.0, maxBackoff);
  }

  /** The wait after failed attempt number {@code attempt} (1-based). */
  public Duration backoffAfter(int attempt) {
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    long capped = (long) Math.min(millis, (double) maxBackoff.toMillis());
    return Duration.ofMillis(capped);
  }
}
