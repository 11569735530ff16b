package dev.ducklift.samples.schedule;

import java.time.Duration;
import java.time.Instant;

/**
 * Receives a {@link Scheduler}'s events. Every method has an empty default, so new events never
 * break an implementation. Called on scheduler threads; implementations must be thread-safe and
 * quick.
 */
public interface SchedulerListener {

  /** An attempt starts (the lease is held). */
  default void attemptStarted(String job, Instant scheduledFor, int attempt) {}

  /** An attempt ended (succeeded, failed or skipped); the record is already in the history. */
  default void attemptFinished(RunRecord record) {}

  /**
   * A fire is over: it succeeded, was skipped, or failed for the last time (retries exhausted or a
   * {@link PermanentFailure}); {@code last} is its last attempt.
   */
  default void fireFinished(RunRecord last) {}

  /** A failed attempt will be retried after {@code backoff}. */
  default void retryScheduled(RunRecord failed, Duration backoff) {}

  /** The job's next fire. */
  default void nextFireScheduled(String job, Instant at) {}

  /**
   * A running attempt could not renew its lease (it lapsed, for example after a long pause), so
   * another process may start the same job; the attempt keeps running.
   */
  default void leaseLost(String job) {}
}
