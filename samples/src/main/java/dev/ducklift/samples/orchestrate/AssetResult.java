package dev.ducklift.samples.orchestrate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.TableRunResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pipeline run seen as the materialization of an asset: rows per table, load ids, snapshot ids,
 * schema changes, durations and the lake tables touched — or how it failed.
 *
 * @param pipeline the pipeline name
 * @param outcome {@link Outcome#SUCCESS} or the failure class
 * @param startedAt when the run started
 * @param duration how long it took
 * @param run the runtime's result on success, else empty
 * @param error the failure message (never containing secrets, as Ducklift messages do not), or
 *     {@code null}
 */
public record AssetResult(
    String pipeline,
    Outcome outcome,
    Instant startedAt,
    Duration duration,
    Optional<RunResult> run,
    String error) {

  public AssetResult {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(run, "run");
  }

  public boolean succeeded() {
    return outcome == Outcome.SUCCESS;
  }

  /** Per-table results (empty on failure). */
  public List<TableRunResult> tables() {
    return run.map(RunResult::tables).orElse(List.of());
  }

  /** Rows inserted per table, summed over the run's loads. */
  public Map<String, Long> rowsInsertedByTable() {
    Map<String, Long> rows = new LinkedHashMap<>();
    for (TableRunResult t : tables()) {
      rows.merge(t.table(), t.rowsInserted(), Long::sum);
    }
    return rows;
  }

  public long rowsInserted() {
    return run.map(RunResult::rowsInserted).orElse(0L);
  }

  public List<String> loadIds() {
    return run.map(RunResult::loadIds).orElse(List.of());
  }

  public List<Long> snapshotIds() {
    return run.map(RunResult::snapshotIds).orElse(List.of());
  }

  /** The newest snapshot this run created. */
  public Optional<Long> latestSnapshotId() {
    List<Long> ids = snapshotIds();
    return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(ids.size() - 1));
  }

  /** Lake tables this run changed (rows inserted, replaced or deleted), in run order. */
  public List<String> lakeTablesTouched() {
    LinkedHashSet<String> touched = new LinkedHashSet<>();
    for (TableRunResult t : tables()) {
      if (t.rowsInserted() + t.rowsReplaced() + t.rowsDeleted() > 0) {
        touched.add(t.table());
      }
    }
    return new ArrayList<>(touched);
  }

  /** Schema changes by table, only tables that changed. */
  public Map<String, List<String>> schemaChanges() {
    Map<String, List<String>> changes = new LinkedHashMap<>();
    for (TableRunResult t : tables()) {
      if (!t.schemaChanges().isEmpty()) {
        changes.computeIfAbsent(t.table(), k -> new ArrayList<>()).addAll(t.schemaChanges());
      }
    }
    return changes;
  }

  /** Milliseconds per stage, summed over tables' loads (each load counted once). */
  public Map<String, Long> stageDurationsMillis() {
    Map<String, Long> totals = new LinkedHashMap<>();
    LinkedHashSet<String> seenLoads = new LinkedHashSet<>();
    for (TableRunResult t : tables()) {
      if (seenLoads.add(t.loadId())) {
        t.stageDurations().forEach((stage, d) -> totals.merge(stage, d.toMillis(), Long::sum));
      }
    }
    return totals;
  }

  /** The result as a JSON object: status and exit code first, then the run's figures. */
  public ObjectNode toJsonNode() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("pipeline", pipeline);
    node.put("status", outcome.jsonName());
    node.put("exit_code", outcome.exitCode());
    node.put("started_at", startedAt.toString());
    node.put("duration_ms", duration.toMillis());
    if (error == null) {
      node.putNull("error");
    } else {
      node.put("error", error);
    }
    node.put("rows_inserted", rowsInserted());
    ObjectNode rows = node.putObject("rows_by_table");
    rowsInsertedByTable().forEach(rows::put);
    ArrayNode loads = node.putArray("load_ids");
    loadIds().forEach(loads::add);
    ArrayNode snapshots = node.putArray("snapshot_ids");
    snapshotIds().forEach(snapshots::add);
    ArrayNode touched = node.putArray("lake_tables");
    lakeTablesTouched().forEach(touched::add);
    ObjectNode changes = node.putObject("schema_changes");
    schemaChanges()
        .forEach(
            (table, list) -> {
              ArrayNode a = changes.putArray(table);
              list.forEach(a::add);
            });
    ObjectNode stages = node.putObject("stage_durations_ms");
    stageDurationsMillis().forEach(stages::put);
    node.set(
        "run",
        run.<com.fasterxml.jackson.databind.JsonNode>map(RunResult::toJsonNode)
            .orElse(JsonNodeFactory.instance.nullNode()));
    return node;
  }

  public String toJson() {
    return toJsonNode().toString();
  }

  /** The figures as Dagster metadata: rows, snapshot ids, load ids, tables, schema changes. */
  public Map<String, MetadataValue> dagsterMetadata() {
    Map<String, MetadataValue> m = new LinkedHashMap<>();
    m.put("rows_inserted", MetadataValue.ofInt(rowsInserted()));
    rowsInsertedByTable().forEach((t, n) -> m.put("rows." + t, MetadataValue.ofInt(n)));
    latestSnapshotId().ifPresent(id -> m.put("snapshot_id", MetadataValue.ofInt(id)));
    ObjectNode detail = toJsonNode();
    m.put("snapshot_ids", MetadataValue.ofJson(detail.get("snapshot_ids")));
    m.put("load_ids", MetadataValue.ofJson(detail.get("load_ids")));
    m.put("lake_tables", MetadataValue.ofJson(detail.get("lake_tables")));
    m.put("schema_changes", MetadataValue.ofJson(detail.get("schema_changes")));
    m.put("duration_ms", MetadataValue.ofInt(duration.toMillis()));
    return m;
  }
}
