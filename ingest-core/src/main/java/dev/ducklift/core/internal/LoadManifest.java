package dev.ducklift.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.PartitionField;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.TableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a staged load holds, committed in the staging journal in the same DuckDB transaction as its
 * rows: the tables and row counts, the resource's watermarks covering exactly those rows, and what
 * is needed to promote it without the resource's definition.
 *
 * @param status {@link #EXTRACTING} while checkpoints are being added, {@link #STAGED} once the
 *     extract completed
 * @param advancesState whether promoting this load moves the resource's watermarks
 * @param ordered whether every accepted cursor came in order, so a partial load's watermark covers
 *     everything before it
 * @param partitionBy the root table's partition hint, columns named as the table's (empty: none)
 * @param merge the resource's merge hints, with normalized column names
 * @param startedAt when the extract of this load started (the default SCD2 validity boundary)
 */
public record LoadManifest(
    String loadId,
    String resource,
    String status,
    boolean advancesState,
    boolean ordered,
    Map<String, CursorValue> watermarks,
    WriteDisposition writeDisposition,
    List<String> primaryKey,
    String cursorColumn,
    List<Table> tables,
    long recordsExtracted,
    long recordsDiscarded,
    List<String> schemaChanges,
    List<PartitionField> partitionBy,
    MergeHints merge,
    Instant startedAt) {

  public static final String EXTRACTING = "extracting";
  public static final String STAGED = "staged";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One table of the load: its schema as staged and its row counts. */
  public record Table(TableSchema schema, long rows) {}

  public LoadManifest {
    watermarks = Map.copyOf(watermarks);
    primaryKey = List.copyOf(primaryKey);
    tables = List.copyOf(tables);
    schemaChanges = List.copyOf(schemaChanges);
    partitionBy = List.copyOf(partitionBy == null ? List.of() : partitionBy);
    merge = merge == null ? MergeHints.NONE : merge;
    startedAt = startedAt == null ? Instant.EPOCH : startedAt;
  }

  /** A manifest without merge hints. */
  public LoadManifest(
      String loadId,
      String resource,
      String status,
      boolean advancesState,
      boolean ordered,
      Map<String, CursorValue> watermarks,
      WriteDisposition writeDisposition,
      List<String> primaryKey,
      String cursorColumn,
      List<Table> tables,
      long recordsExtracted,
      long recordsDiscarded,
      List<String> schemaChanges,
      List<PartitionField> partitionBy) {
    this(
        loadId,
        resource,
        status,
        advancesState,
        ordered,
        watermarks,
        writeDisposition,
        primaryKey,
        cursorColumn,
        tables,
        recordsExtracted,
        recordsDiscarded,
        schemaChanges,
        partitionBy,
        MergeHints.NONE,
        Instant.EPOCH);
  }

  /** A manifest without a partition hint. */
  public LoadManifest(
      String loadId,
      String resource,
      String status,
      boolean advancesState,
      boolean ordered,
      Map<String, CursorValue> watermarks,
      WriteDisposition writeDisposition,
      List<String> primaryKey,
      String cursorColumn,
      List<Table> tables,
      long recordsExtracted,
      long recordsDiscarded,
      List<String> schemaChanges) {
    this(
        loadId,
        resource,
        status,
        advancesState,
        ordered,
        watermarks,
        writeDisposition,
        primaryKey,
        cursorColumn,
        tables,
        recordsExtracted,
        recordsDiscarded,
        schemaChanges,
        List.of());
  }

  public long totalRows() {
    return tables.stream().mapToLong(Table::rows).sum();
  }

  /**
   * Whether an incomplete load may be promoted as it is: its watermark covers exactly its rows only
   * when cursors came in order and the load moves state; a partial {@code replace} would end rows
   * it never re-read.
   */
  public boolean promotable() {
    if (STAGED.equals(status)) {
      return true;
    }
    return advancesState
        && ordered
        && writeDisposition != WriteDisposition.REPLACE
        && totalRows() > 0;
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("load_id", loadId);
    root.put("resource", resource);
    root.put("status", status);
    root.put("advances_state", advancesState);
    root.put("ordered", ordered);
    ObjectNode marks = root.putObject("watermarks");
    for (Map.Entry<String, CursorValue> e : new TreeMap<>(watermarks).entrySet()) {
      ObjectNode v = marks.putObject(e.getKey());
      v.put("kind", e.getValue().kind().name());
      v.put("value", e.getValue().text());
    }
    root.put("write_disposition", writeDisposition.configName());
    var pk = root.putArray("primary_key");
    primaryKey.forEach(pk::add);
    if (cursorColumn != null) {
      root.put("cursor_column", cursorColumn);
    }
    var tableArray = root.putArray("tables");
    for (Table t : tables) {
      ObjectNode node = tableArray.addObject();
      node.set("schema", SchemaCodec.toJson(t.schema()));
      node.put("rows", t.rows());
    }
    root.put("records_extracted", recordsExtracted);
    root.put("records_discarded", recordsDiscarded);
    var changes = root.putArray("schema_changes");
    schemaChanges.forEach(changes::add);
    if (!partitionBy.isEmpty()) {
      var partition = root.putArray("partition_by");
      partitionBy.forEach(p -> partition.add(p.toString()));
    }
    if (!merge.isNone()) {
      merge.writeConfig(root.putObject("merge"));
    }
    root.put("started_at", startedAt.toString());
    return root.toString();
  }

  public static LoadManifest fromJson(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      Map<String, CursorValue> marks = new LinkedHashMap<>();
      root.path("watermarks")
          .fields()
          .forEachRemaining(
              e ->
                  marks.put(
                      e.getKey(),
                      CursorValue.parse(
                          CursorValue.Kind.valueOf(e.getValue().path("kind").asText()),
                          e.getValue().path("value").asText())));
      List<String> pk = new ArrayList<>();
      root.path("primary_key").forEach(n -> pk.add(n.asText()));
      List<Table> tables = new ArrayList<>();
      root.path("tables")
          .forEach(
              n ->
                  tables.add(
                      new Table(SchemaCodec.fromJson(n.path("schema")), n.path("rows").asLong())));
      List<String> changes = new ArrayList<>();
      root.path("schema_changes").forEach(n -> changes.add(n.asText()));
      List<PartitionField> partitionBy = new ArrayList<>();
      root.path("partition_by").forEach(n -> partitionBy.add(PartitionField.parse(n.asText())));
      return new LoadManifest(
          root.path("load_id").asText(),
          root.path("resource").asText(),
          root.path("status").asText(),
          root.path("advances_state").asBoolean(),
          root.path("ordered").asBoolean(),
          marks,
          WriteDisposition.fromConfigName(root.path("write_disposition").asText()),
          pk,
          root.hasNonNull("cursor_column") ? root.get("cursor_column").asText() : null,
          tables,
          root.path("records_extracted").asLong(),
          root.path("records_discarded").asLong(),
          changes,
          partitionBy,
          root.has("merge")
              ? MergeHints.fromConfig(root.get("merge"), "staged load manifest")
              : MergeHints.NONE,
          root.hasNonNull("started_at")
              ? Instant.parse(root.get("started_at").asText())
              : Instant.EPOCH);
    } catch (Exception e) {
      throw new DuckliftException("Cannot read a staged load manifest: " + e.getMessage(), e);
    }
  }
}
