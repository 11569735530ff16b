package dev.ducklift.core;

import dev.ducklift.core.spi.PromoteResult;
import java.util.List;

/**
 * Receives progress events of a pipeline run: pages, staged rows, checkpoints, promotes and the end
 * of the run. Every method has a no-op default, so new events never break an implementation.
 *
 * <p>Events are delivered in order, one at a time, on the thread calling {@link Pipeline#run()} or
 * on the thread that normalizes and stages pages while a resource extracts; a listener must be
 * quick and must not throw (an exception thrown by a listener fails the run).
 */
public interface PipelineListener {

  /** A listener that ignores every event. */
  PipelineListener NONE = new PipelineListener() {};

  /** The run started. */
  default void runStarted(String pipelineName) {}

  /** A load left by an earlier run is about to be finished (promoted unless already committed). */
  default void pendingLoadResumed(String resourceName, String loadId) {}

  /** A resource started extracting under a new load id. */
  default void resourceStarted(String resourceName, String loadId) {}

  /**
   * A page was received from a resource and normalized.
   *
   * @param records records in the page
   * @param accepted records kept after the cursor window, missing-cursor and discard rules
   */
  default void pageExtracted(String resourceName, Page page, int records, int accepted) {}

  /**
   * Rows of a checkpoint were committed to staging together with their cursor positions.
   * Checkpoints are reported in order, once committed: staging commits in the background while the
   * next pages are normalized, so later pages may be reported before a checkpoint.
   *
   * @param rowsInCheckpoint rows (all tables) written by this checkpoint
   * @param rowsStagedInLoad rows (all tables) staged so far in this load
   */
  default void checkpointCommitted(
      String resourceName, String loadId, long rowsInCheckpoint, long rowsStagedInLoad) {}

  /** A load was committed in the destination (or found already committed there). */
  default void loadPromoted(String resourceName, String loadId, PromoteResult result) {}

  /** A promoted load was recorded in the local state and its staged rows dropped. */
  default void loadFinished(String resourceName, String loadId) {}

  /**
   * A promoted load changed the schema: tables created, columns added, widened or renamed in the
   * source, variant columns created, columns no longer in the source ({@code "added column
   * orders.tier VARCHAR"}, as in {@link TableRunResult#schemaChanges()}).
   */
  default void schemaChanged(String resourceName, String loadId, List<String> changes) {}

  /**
   * A resource failed. The run goes on with the other resources and, once they are done, fails with
   * a {@link RunFailedException} that holds {@code error}; a cancelled run fails at once.
   */
  default void resourceFailed(String resourceName, String loadId, RuntimeException error) {}

  /** The run finished successfully. */
  default void runFinished(RunResult result) {}
}
