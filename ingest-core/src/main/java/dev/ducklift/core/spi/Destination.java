package dev.ducklift.core.spi;

import java.util.Optional;

/**
 * Where staged loads are promoted. A destination commits a load's rows, the pipeline state that
 * covers them and a record of the load atomically (one destination transaction), so that the
 * destination is the source of truth for state.
 *
 * <p>Implementations must be safe for use by one pipeline at a time; several processes may use
 * destinations that point at the same storage, and each must then be safe against the others.
 */
public interface Destination extends AutoCloseable {

  /** A short name for logs and run results ({@code ducklake}, {@code duckdb}). */
  String name();

  /**
   * The pipeline state last committed in this destination, or empty if the pipeline never committed
   * here. Used when the local state store is empty (a fresh machine).
   */
  Optional<PipelineState> restoreState(String pipelineName);

  /** Whether the load was already committed here (so must never be promoted again). */
  boolean isCommitted(String pipelineName, String loadId);

  /**
   * Promotes a staged load: all its tables, the state and a load record, in one commit.
   *
   * @throws dev.ducklift.core.DuckliftException when the load cannot be committed; nothing of it is
   *     visible in the destination then, unless the exception says the outcome is unknown
   */
  PromoteResult promote(StagedLoad load);

  /** Releases connections. */
  @Override
  void close();
}
