package dev.ducklift.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link Pipeline#run()} did.
 *
 * @param pipelineName the pipeline
 * @param startedAt when the run started
 * @param duration how long it took
 * @param resumedLoads load ids left by an earlier run that this run finished (promoted, or found
 *     already committed and only cleaned up)
 * @param loadIds load ids created by this run, one per resource that produced rows, in run order
 * @param tables per table results, for resumed and new loads, parents before children
 */
public record RunResult(
    String pipelineName,
    Instant startedAt,
    Duration duration,
    List<String> resumedLoads,
    List<String> loadIds,
    List<TableRunResult> tables) {

  public RunResult {
    Objects.requireNonNull(pipelineName, "pipelineName");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(duration, "duration");
    resumedLoads = List.copyOf(resumedLoads == null ? List.of() : resumedLoads);
    loadIds = List.copyOf(loadIds == null ? List.of() : loadIds);
    tables = List.copyOf(tables == null ? List.of() : tables);
  }

  /** The result of {@code table} in this run (the last load that wrote it). */
  public Optional<TableRunResult> table(String table) {
    TableRunResult found = null;
    for (TableRunResult t : tables) {
      if (t.table().equals(table)) {
        found = t;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Rows staged in all tables. */
  public long rowsStaged() {
    return tables.stream().mapToLong(TableRunResult::rowsStaged).sum();
  }

  /** Rows inserted into the destination in all tables. */
  public long rowsInserted() {
    return tables.stream().mapToLong(TableRunResult::rowsInserted).sum();
  }

  /** The distinct destination snapshot ids created by this run, in order. */
  public List<Long> snapshotIds() {
    return tables.stream()
        .map(TableRunResult::snapshotId)
        .filter(Objects::nonNull)
        .distinct()
        .toList();
  }

  /** This result as a JSON object. */
  public ObjectNode toJsonNode() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("pipeline", pipelineName);
    node.put("started_at", startedAt.toString());
    node.put("duration_ms", duration.toMillis());
    var resumed = node.putArray("resumed_loads");
    resumedLoads.forEach(resumed::add);
    var loads = node.putArray("load_ids");
    loadIds.forEach(loads::add);
    var snapshots = node.putArray("snapshot_ids");
    snapshotIds().forEach(snapshots::add);
    var tableArray = node.putArray("tables");
    tables.forEach(t -> tableArray.add(t.toJsonNode()));
    return node;
  }

  /** This result as compact JSON. */
  public String toJson() {
    return toJsonNode().toString();
  }
}
