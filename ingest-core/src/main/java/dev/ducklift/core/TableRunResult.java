package dev.ducklift.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one run did to one table of one load.
 *
 * @param resource the resource that produced the table
 * @param table the table (a root table or a child table {@code <root>__<field>})
 * @param loadId the load that wrote it
 * @param rowsExtracted rows produced by normalization (for a root table: records accepted from the
 *     resource; for a child table: array elements)
 * @param rowsStaged rows committed to staging
 * @param rowsInserted rows added in the destination
 * @param skippedDuplicates rows skipped because their key was already there (insert-new)
 * @param rowsReplaced rows that replaced an existing version (merge)
 * @param rowsDeleted rows that ended (replace, merge child rows)
 * @param rowsDiscarded rows dropped by the schema contract ({@code discard_row}) or filtered out by
 *     the cursor window
 * @param snapshotId the destination snapshot that holds the load, or {@code null}
 * @param schemaChanges human-readable schema changes made by this load ({@code "added column price
 *     DOUBLE"}, {@code "widened column qty BIGINT -> DOUBLE"})
 * @param stageDurations time spent by stage (shared by the tables of one load): {@code extract}
 *     (wall time from the first page to the last staging commit), {@code normalize} and {@code
 *     stage} (time spent normalizing and committing checkpoints, overlapping with {@code extract}),
 *     {@code promote}, {@code finish}
 * @param notes what the destination reported about the write, or {@code ""}
 */
public record TableRunResult(
    String resource,
    String table,
    String loadId,
    long rowsExtracted,
    long rowsStaged,
    long rowsInserted,
    long skippedDuplicates,
    long rowsReplaced,
    long rowsDeleted,
    long rowsDiscarded,
    Long snapshotId,
    List<String> schemaChanges,
    Map<String, Duration> stageDurations,
    String notes) {

  public TableRunResult {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(loadId, "loadId");
    schemaChanges = List.copyOf(schemaChanges == null ? List.of() : schemaChanges);
    stageDurations =
        java.util.Collections.unmodifiableMap(
            new LinkedHashMap<>(stageDurations == null ? Map.of() : stageDurations));
    notes = notes == null ? "" : notes;
  }

  /** This result as a JSON object (durations in milliseconds). */
  public ObjectNode toJsonNode() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("resource", resource);
    node.put("table", table);
    node.put("load_id", loadId);
    node.put("rows_extracted", rowsExtracted);
    node.put("rows_staged", rowsStaged);
    node.put("rows_inserted", rowsInserted);
    node.put("skipped_duplicates", skippedDuplicates);
    node.put("rows_replaced", rowsReplaced);
    node.put("rows_deleted", rowsDeleted);
    node.put("rows_discarded", rowsDiscarded);
    if (snapshotId == null) {
      node.putNull("snapshot_id");
    } else {
      node.put("snapshot_id", snapshotId);
    }
    var changes = node.putArray("schema_changes");
    schemaChanges.forEach(changes::add);
    ObjectNode durations = node.putObject("stage_durations_ms");
    stageDurations.forEach((k, v) -> durations.put(k, v.toMillis()));
    node.put("notes", notes);
    return node;
  }
}
