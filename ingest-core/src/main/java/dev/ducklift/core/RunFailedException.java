package dev.ducklift.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A run in which one or more resources failed. The other resources ran to the end: their loads are
 * committed and listed in {@link #result()}; the failed resources resume in the next run from their
 * last committed checkpoint.
 *
 * <p>With a single failure the message is that failure's message and the cause is that failure;
 * with several, the message names each failed resource and its error, the cause is the first
 * failure and the others are {@linkplain #getSuppressed() suppressed}.
 */
public final class RunFailedException extends DuckliftException {
  private static final long serialVersionUID = 1L;

  private final transient RunResult result;
  private final transient Map<String, RuntimeException> failures;

  /**
   * @param result what the run completed (loads of the resources that did not fail)
   * @param failures the error of each failed resource, by resource name, in run order; not empty
   */
  public RunFailedException(RunResult result, Map<String, RuntimeException> failures) {
    super(message(result, failures), failures.values().iterator().next());
    this.result = Objects.requireNonNull(result, "result");
    this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    boolean first = true;
    for (RuntimeException e : failures.values()) {
      if (!first) {
        addSuppressed(e);
      }
      first = false;
    }
  }

  /** What the run completed: the loads of the resources that did not fail. */
  public RunResult result() {
    return result;
  }

  /** The error of each failed resource, by resource name, in run order. */
  public Map<String, RuntimeException> failures() {
    return failures;
  }

  private static String message(RunResult result, Map<String, RuntimeException> failures) {
    if (failures.isEmpty()) {
      throw new IllegalArgumentException("A failed run needs at least one failure");
    }
    if (failures.size() == 1) {
      return String.valueOf(failures.values().iterator().next().getMessage());
    }
    StringBuilder sb =
        new StringBuilder()
            .append(failures.size())
            .append(" resources failed in pipeline '")
            .append(result.pipelineName())
            .append("':");
    failures.forEach(
        (resource, e) -> sb.append("\n  '").append(resource).append("': ").append(e.getMessage()));
    return sb.toString();
  }
}
