package dev.ducklift.samples.cli;

import dev.ducklift.core.Page;
import dev.ducklift.core.PipelineListener;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.spi.PromoteResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows a run's progress on standard error: on a terminal, one status line rewritten in place
 * (rows, rows/s, current resource and page); otherwise plain lines, at most one every few seconds
 * plus one per promoted load, that log collectors keep readable.
 */
final class ProgressListener implements PipelineListener {

  /** How progress is shown. */
  enum Mode {
    /** A status line rewritten in place. */
    TERMINAL,
    /** Timestamped plain lines. */
    PLAIN,
    /** Nothing. */
    NONE
  }

  private final PrintStream err;
  private final Mode mode;
  private final LongSupplier nanos;
  private final long plainIntervalNanos;
  private long runStart;
  private long resourceStart;
  private long rows;
  private long resourceRows;
  private long pages;
  private String resource = "";
  private String page = "";
  private long lastPrint;
  private int lastWidth;

  ProgressListener(PrintStream err, Mode mode) {
    this(err, mode, System::nanoTime, 5_000_000_000L);
  }

  ProgressListener(PrintStream err, Mode mode, LongSupplier nanos, long plainIntervalNanos) {
    this.err = err;
    this.mode = mode;
    this.nanos = nanos;
    this.plainIntervalNanos = plainIntervalNanos;
  }

  @Override
  public void runStarted(String pipelineName) {
    runStart = nanos.getAsLong();
    rows = 0;
    lastPrint = 0;
    if (mode == Mode.PLAIN) {
      err.println("progress: pipeline " + pipelineName + " started");
    }
  }

  @Override
  public void pendingLoadResumed(String resourceName, String loadId) {
    if (mode != Mode.NONE) {
      clearLine();
      err.println("progress: resuming staged load " + loadId + " of " + resourceName);
    }
  }

  @Override
  public void resourceStarted(String resourceName, String loadId) {
    resource = resourceName;
    resourceRows = 0;
    pages = 0;
    resourceStart = nanos.getAsLong();
  }

  @Override
  public void pageExtracted(String resourceName, Page p, int records, int accepted) {
    rows += accepted;
    resourceRows += accepted;
    pages++;
    page = p.description();
    long now = nanos.getAsLong();
    if (mode == Mode.TERMINAL && now - lastPrint > 100_000_000L) {
      String line =
          String.format(
              Locale.ROOT,
              "%s: %,d rows, %,.0f rows/s, page %d (%s)",
              resource,
              resourceRows,
              rate(resourceRows, now - resourceStart),
              pages,
              abbreviate(page, 60));
      err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
      err.flush();
      lastWidth = line.length();
      lastPrint = now;
    } else if (mode == Mode.PLAIN && now - lastPrint > plainIntervalNanos) {
      err.println(
          String.format(
              Locale.ROOT,
              "progress: resource=%s rows=%d rows_per_s=%.0f pages=%d page=%s",
              resource,
              resourceRows,
              rate(resourceRows, now - resourceStart),
              pages,
              page));
      lastPrint = now;
    }
  }

  @Override
  public void loadPromoted(String resourceName, String loadId, PromoteResult result) {
    if (mode == Mode.NONE) {
      return;
    }
    clearLine();
    long inserted =
        result.tables().stream().mapToLong(PromoteResult.TableWriteResult::inserted).sum();
    long skipped =
        result.tables().stream().mapToLong(PromoteResult.TableWriteResult::skippedDuplicates).sum();
    err.println(
        "progress: "
            + resourceName
            + " load "
            + loadId
            + (result.alreadyCommitted() ? " was already committed" : " committed")
            + result.snapshotId().stream()
                .mapToObj(id -> " as snapshot " + id)
                .findFirst()
                .orElse("")
            + " ("
            + inserted
            + " rows inserted, "
            + skipped
            + " duplicates skipped)");
  }

  @Override
  public void schemaChanged(String resourceName, String loadId, List<String> changes) {
    if (mode == Mode.NONE) {
      return;
    }
    clearLine();
    for (String change : changes) {
      err.println("progress: " + resourceName + " schema change: " + change);
    }
  }

  @Override
  public void resourceFailed(String resourceName, String loadId, RuntimeException error) {
    clearLine();
  }

  @Override
  public void runFinished(RunResult result) {
    if (mode == Mode.NONE) {
      return;
    }
    clearLine();
    long elapsed = nanos.getAsLong() - runStart;
    err.println(
        String.format(
            Locale.ROOT,
            "progress: done, %,d rows extracted in %.1f s (%,.0f rows/s)",
            rows,
            elapsed / 1e9,
            rate(rows, elapsed)));
  }

  private void clearLine() {
    if (mode == Mode.TERMINAL && lastWidth > 0) {
      err.print("\r" + " ".repeat(lastWidth) + "\r");
      lastWidth = 0;
    }
  }

  private static double rate(long count, long nanos) {
    return nanos <= 0 ? 0 : count / (nanos / 1e9);
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** The mode for a {@code --progress} value: auto picks TERMINAL when a console is attached. */
  static Mode mode(String option) {
    return switch (option) {
      case "auto" -> System.console() != null ? Mode.TERMINAL : Mode.PLAIN;
      case "terminal" -> Mode.TERMINAL;
      case "plain" -> Mode.PLAIN;
      case "none" -> Mode.NONE;
      default ->
          throw new IllegalArgumentException(
              "Unknown progress mode '" + option + "': expected auto, terminal, plain or none");
    };
  }
}
