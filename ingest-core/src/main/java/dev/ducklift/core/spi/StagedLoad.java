package dev.ducklift.core.spi;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A load ready to promote: its tables on a staging DuckDB connection and the state it covers.
 *
 * @param pipelineName the pipeline
 * @param loadId the load id (also in every root row's {@code _dl_load_id})
 * @param staging an open connection to the staging DuckDB database; the destination may run queries
 *     and {@code COPY} statements on it (or on {@code DuckDBConnection.duplicate()}) but must not
 *     close it or change staged data
 * @param tables the load's tables, parents before their children
 * @param state the pipeline state to commit together with the rows
 * @param startedAt when the load's extract started: the validity boundary of {@code scd2} versions
 *     unless the resource declares another
 */
public record StagedLoad(
    String pipelineName,
    String loadId,
    Connection staging,
    List<StagedTable> tables,
    PipelineState state,
    Instant startedAt) {
  public StagedLoad {
    Objects.requireNonNull(pipelineName, "pipelineName");
    Objects.requireNonNull(loadId, "loadId");
    Objects.requireNonNull(staging, "staging");
    Objects.requireNonNull(state, "state");
    tables = List.copyOf(tables);
    startedAt = startedAt == null ? Instant.now() : startedAt;
  }

  /** A load whose extract started now. */
  public StagedLoad(
      String pipelineName,
      String loadId,
      Connection staging,
      List<StagedTable> tables,
      PipelineState state) {
    this(pipelineName, loadId, staging, tables, state, Instant.now());
  }
}
