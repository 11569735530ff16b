package dev.ducklift.samples.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One attempt of a scheduled job, as kept in the {@link RunHistory}.
 *
 * @param job the job name
 * @param scheduledFor the fire time this attempt belongs to
 * @param attempt 1 for the first attempt of a fire, 2 for its first retry, …
 * @param status what happened
 * @param startedAt when the attempt started
 * @param finishedAt when it ended
 * @param owner the process that ran (or skipped) it
 * @param summary the job's summary on success (for a pipeline, its result JSON), else {@code null}
 * @param error the failure's message on failure, else {@code null}
 */
public record RunRecord(
    String job,
    Instant scheduledFor,
    int attempt,
    Status status,
    Instant startedAt,
    Instant finishedAt,
    String owner,
    String summary,
    String error) {

  /** The outcome of an attempt. */
  public enum Status {
    /** The job returned normally. */
    SUCCEEDED,
    /** The job threw; see {@link #error()}. */
    FAILED,
    /** Another process held the job's lease, so this fire did not run here. */
    SKIPPED
  }

  public RunRecord {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(status, "status");
  }

  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }
}
