package dev.ducklift.samples.schedule;

/**
 * Work a {@link Scheduler} runs: a pipeline run, a maintenance task, or any code.
 *
 * <p>A job returns a short summary for the run history (for a pipeline run, its result as JSON) and
 * throws to fail the attempt.
 */
@FunctionalInterface
public interface Job {

  /**
   * Runs once.
   *
   * @return a summary kept in the run history (JSON or plain text), or {@code null}
   * @throws Exception to fail this attempt; it is retried according to the job's retry policy
   */
  String run() throws Exception;

  /** A job around a plain {@link Runnable}, with no summary. */
  static Job of(Runnable runnable) {
    return () -> {
      runnable.run();
      return null;
    };
  }
}
