package dev.ducklift.samples.orchestrate;

/**
 * How a run (or any CLI command) ended, with the process exit code orchestrators see. Codes are
 * stable: schedulers, Airflow and Dagster may branch on them.
 */
public enum Outcome {
  /** Everything worked. */
  SUCCESS(0),
  /** An unexpected internal error. */
  INTERNAL_ERROR(1),
  /** The command line was wrong (unknown option, missing argument). */
  USAGE_ERROR(2),
  /** The pipeline config is missing, unparsable or invalid; nothing ran. Do not retry. */
  BAD_CONFIG(3),
  /**
   * The source failed: a connection, an HTTP error storm, a malformed page or record, a type that
   * could not evolve. Earlier loads stay committed; retrying later is safe.
   */
  SOURCE_FAILURE(4),
  /**
   * The lake commit lost to a concurrent writer even after retries, or conflicted logically.
   * Nothing of the load is visible; retrying is safe.
   */
  COMMIT_CONFLICT(5),
  /**
   * The destination (catalog, data files) failed otherwise; staged loads are kept for the next run.
   */
  DESTINATION_FAILURE(6),
  /** {@code verify} found problems in the lake. */
  VERIFICATION_FAILED(7),
  /** The command needs a part of Ducklift this build does not include. */
  NOT_AVAILABLE(8),
  /**
   * The pipeline's working directory (state store, staging) cannot be used and was not recovered:
   * held by another process, or a broken staging file the lake cannot prove holds nothing pending.
   * The message says what to do; retrying without acting does not help.
   */
  LOCAL_STATE_FAILURE(9),
  /** Interrupted (Ctrl-C, SIGTERM). */
  INTERRUPTED(130);

  private final int exitCode;

  Outcome(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The JSON spelling: {@code source_failure}. */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Classifies a failure of a pipeline run by what threw: a commit conflict by its exception type,
   * the lake by its package, everything else raised while extracting and normalizing as a source
   * failure.
   */
  public static Outcome ofRunFailure(Throwable failure) {
    boolean destination = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getSimpleName();
      if (name.equals("CommitConflictException") || name.equals("LogicalConflictException")) {
        return COMMIT_CONFLICT;
      }
      if (t instanceof InterruptedException) {
        return INTERRUPTED;
      }
      if (t instanceof dev.ducklift.core.LocalStateException) {
        return LOCAL_STATE_FAILURE;
      }
      if (t.getClass().getName().startsWith("dev.ducklift.ducklake.")
          || thrownIn(t, "dev.ducklift.ducklake.")) {
        destination = true;
      }
    }
    return destination ? DESTINATION_FAILURE : SOURCE_FAILURE;
  }

  private static boolean thrownIn(Throwable t, String packagePrefix) {
    for (StackTraceElement frame : t.getStackTrace()) {
      String cls = frame.getClassName();
      if (cls.startsWith("dev.ducklift.")) {
        return cls.startsWith(packagePrefix);
      }
    }
    return false;
  }
}
