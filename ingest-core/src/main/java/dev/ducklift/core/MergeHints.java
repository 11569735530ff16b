package dev.ducklift.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How a resource's rows combine with the destination's beyond the write disposition: the merge
 * strategy, a merge key, a hard-delete column, the order that picks one staged version of a key,
 * and the SCD2 options. {@link #NONE} is today's behaviour (upsert by primary key; the last version
 * by cursor, then the last staged, wins).
 *
 * <p>Column names are those of the normalized root table ({@code customer__name} for the path
 * {@code customer.name}); the runtime maps declared paths to columns as it does for the primary
 * key.
 *
 * @param strategy the merge strategy ({@code null}: {@code delete-insert} with a merge key, else
 *     {@code upsert})
 * @param mergeKey columns whose values in the load select the destination rows that end ({@code
 *     delete-insert}) or are compared ({@code scd2}); may be empty
 * @param hardDelete a boolean column (true deletes) or any other nullable column (non-null deletes,
 *     a tombstone): the staged row deletes the destination row with its key and its child rows
 *     instead of upserting it; the column is not written. {@code null} for none
 * @param dedupSort which staged version of a key wins inside one load: the first after sorting by
 *     these columns (a {@code DESC} column: the greatest value wins); ties go to the last staged.
 *     Empty: the last by cursor, then the last staged
 * @param versionHashExclude columns left out of {@code scd2}'s {@code _dl_version_hash}
 * @param boundaryTimestamp {@code scd2}: the validity boundary of this resource's loads instead of
 *     the load's start time (for backfills), or {@code null}
 * @param validFromColumn {@code scd2}: a source column holding each version's start, or {@code
 *     null}
 */
public record MergeHints(
    MergeStrategy strategy,
    List<String> mergeKey,
    String hardDelete,
    List<SortColumn> dedupSort,
    List<String> versionHashExclude,
    Instant boundaryTimestamp,
    String validFromColumn) {

  /** No hints: upsert by primary key, last version by cursor wins. */
  public static final MergeHints NONE =
      new MergeHints(null, List.of(), null, List.of(), List.of(), null, null);

  /** {@code scd2}: when a version became current. */
  public static final String VALID_FROM = "_dl_valid_from";

  /** {@code scd2}: when a version stopped being current ({@code NULL} while current). */
  public static final String VALID_TO = "_dl_valid_to";

  /** {@code scd2}: a stable hash of a version's data columns. */
  public static final String VERSION_HASH = "_dl_version_hash";

  /** The YAML keys of merge hints, accepted beside a resource's other keys. */
  public static final Set<String> CONFIG_KEYS =
      Set.of(
          "merge_strategy",
          "merge_key",
          "hard_delete",
          "dedup_sort",
          "exclude_from_version_hash",
          "boundary_timestamp",
          "valid_from_column");

  /** One column of {@link #dedupSort}. */
  public record SortColumn(String column, boolean descending) {
    public SortColumn {
      Objects.requireNonNull(column, "column");
    }

    public static SortColumn desc(String column) {
      return new SortColumn(column, true);
    }

    public static SortColumn asc(String column) {
      return new SortColumn(column, false);
    }
  }

  public MergeHints {
    mergeKey = List.copyOf(mergeKey == null ? List.of() : mergeKey);
    dedupSort = List.copyOf(dedupSort == null ? List.of() : dedupSort);
    versionHashExclude = List.copyOf(versionHashExclude == null ? List.of() : versionHashExclude);
    if (strategy == null) {
      strategy = mergeKey.isEmpty() ? MergeStrategy.UPSERT : MergeStrategy.DELETE_INSERT;
    }
    hardDelete = hardDelete == null || hardDelete.isBlank() ? null : hardDelete;
    validFromColumn = validFromColumn == null || validFromColumn.isBlank() ? null : validFromColumn;
  }

  /** Whether these are today's defaults (nothing declared). */
  public boolean isNone() {
    return equals(NONE);
  }

  /**
   * Checks the hints against the rest of a resource's declaration.
   *
   * @throws DuckliftException naming the resource and the hint
   */
  public void validate(
      String resource, WriteDisposition disposition, List<String> primaryKey, boolean incremental) {
    String where = "Resource '" + resource + "': ";
    boolean merge = disposition == WriteDisposition.MERGE;
    if (!merge && strategy != MergeStrategy.UPSERT) {
      throw new DuckliftException(
          where
              + "merge_strategy "
              + strategy.configName()
              + " needs write_disposition merge, not "
              + disposition.configName());
    }
    if (!merge && !mergeKey.isEmpty()) {
      throw new DuckliftException(
          where + "merge_key needs write_disposition merge, not " + disposition.configName());
    }
    if (!merge && hardDelete != null) {
      throw new DuckliftException(
          where + "hard_delete needs write_disposition merge, not " + disposition.configName());
    }
    if (strategy == MergeStrategy.UPSERT && !mergeKey.isEmpty()) {
      throw new DuckliftException(
          where + "merge_key needs merge_strategy delete-insert or scd2, not upsert");
    }
    if (strategy == MergeStrategy.DELETE_INSERT && mergeKey.isEmpty()) {
      throw new DuckliftException(where + "merge_strategy delete-insert needs a merge_key");
    }
    if (strategy == MergeStrategy.SCD2
        && primaryKey.isEmpty()
        && mergeKey.isEmpty()
        && incremental) {
      throw new DuckliftException(
          where
              + "merge_strategy scd2 on an incremental resource needs a primary_key or a"
              + " merge_key: without one, versions of a partial extract cannot be matched");
    }
    if (strategy == MergeStrategy.SCD2 && hardDelete != null && primaryKey.isEmpty()) {
      throw new DuckliftException(
          where + "hard_delete with merge_strategy scd2 needs a primary_key to retire versions by");
    }
    if (strategy != MergeStrategy.SCD2
        && (!versionHashExclude.isEmpty()
            || boundaryTimestamp != null
            || validFromColumn != null)) {
      throw new DuckliftException(
          where
              + "exclude_from_version_hash, boundary_timestamp and valid_from_column need"
              + " merge_strategy scd2");
    }
    if (boundaryTimestamp != null && validFromColumn != null) {
      throw new DuckliftException(
          where + "boundary_timestamp and valid_from_column cannot both be set");
    }
    if (dedupSort.stream().map(SortColumn::column).distinct().count() != dedupSort.size()) {
      throw new DuckliftException(where + "dedup_sort names a column twice: " + dedupSort);
    }
  }

  /**
   * Checks the hints against the root table of a load, before anything of it is written: merge key,
   * dedup sort and valid-from columns must exist; a hard-delete column must be boolean or nullable
   * (a missing one deletes nothing); an {@code scd2} table must not have a column of its own named
   * like the version columns.
   *
   * @param where how errors name the resource, e.g. {@code "Resource 'orders'"}
   * @throws DuckliftException naming the resource, the hint and the column
   */
  public void checkColumns(String where, TableSchema root) {
    List<String> columns = root.columns().stream().map(Column::name).toList();
    for (String k : mergeKey) {
      if (!columns.contains(k)) {
        throw missing(where, "merge_key", k, root, columns);
      }
    }
    for (SortColumn s : dedupSort) {
      if (!columns.contains(s.column())) {
        throw missing(where, "dedup_sort", s.column(), root, columns);
      }
    }
    if (validFromColumn != null && !columns.contains(validFromColumn)) {
      throw missing(where, "valid_from_column", validFromColumn, root, columns);
    }
    if (hardDelete != null) {
      root.column(hardDelete)
          .filter(c -> !c.nullable() && c.type().kind() != DataType.Kind.BOOLEAN)
          .ifPresent(
              c -> {
                throw new DuckliftException(
                    where
                        + ": hard_delete column '"
                        + c.name()
                        + "' of table '"
                        + root.name()
                        + "' must be boolean or nullable, but is "
                        + c.type().duckdbType()
                        + " NOT NULL (every row would delete its key)");
              });
    }
    if (strategy == MergeStrategy.SCD2) {
      for (String own : List.of(VALID_FROM, VALID_TO, VERSION_HASH)) {
        if (columns.contains(own)) {
          throw new DuckliftException(
              where
                  + ": table '"
                  + root.name()
                  + "' has a source column named "
                  + own
                  + ", which merge_strategy scd2 writes itself; rename or drop the source column");
        }
      }
    }
  }

  private static DuckliftException missing(
      String where, String hint, String column, TableSchema root, List<String> columns) {
    return new DuckliftException(
        where
            + ": "
            + hint
            + " column '"
            + column
            + "' is not a column of table '"
            + root.name()
            + "' (columns: "
            + String.join(", ", columns)
            + ")");
  }

  /** Every column these hints name (checked against the staged table before promoting). */
  public List<String> namedColumns() {
    List<String> out = new ArrayList<>(mergeKey);
    if (hardDelete != null) {
      out.add(hardDelete);
    }
    dedupSort.forEach(s -> out.add(s.column()));
    out.addAll(versionHashExclude);
    if (validFromColumn != null) {
      out.add(validFromColumn);
    }
    return out;
  }

  /** These hints with every column name mapped (declared paths to normalized columns). */
  public MergeHints mapColumns(UnaryOperator<String> column) {
    return new MergeHints(
        strategy,
        mergeKey.stream().map(column).toList(),
        hardDelete == null ? null : column.apply(hardDelete),
        dedupSort.stream()
            .map(s -> new SortColumn(column.apply(s.column()), s.descending()))
            .toList(),
        versionHashExclude.stream().map(column).toList(),
        boundaryTimestamp,
        validFromColumn == null ? null : column.apply(validFromColumn));
  }

  /** Writes the hints as the configuration keys into {@code node} (defaults left out). */
  public void writeConfig(ObjectNode node) {
    node.put("merge_strategy", strategy.configName());
    if (!mergeKey.isEmpty()) {
      mergeKey.forEach(node.putArray("merge_key")::add);
    }
    if (hardDelete != null) {
      node.put("hard_delete", hardDelete);
    }
    if (!dedupSort.isEmpty()) {
      ObjectNode sort = node.putObject("dedup_sort");
      dedupSort.forEach(s -> sort.put(s.column(), s.descending() ? "desc" : "asc"));
    }
    if (!versionHashExclude.isEmpty()) {
      versionHashExclude.forEach(node.putArray("exclude_from_version_hash")::add);
    }
    if (boundaryTimestamp != null) {
      node.put("boundary_timestamp", boundaryTimestamp.toString());
    }
    if (validFromColumn != null) {
      node.put("valid_from_column", validFromColumn);
    }
  }

  /**
   * Reads the hints from a resource's configuration node (the keys of {@link #CONFIG_KEYS}; other
   * keys are the caller's). {@code dedup_sort} is a map of column to {@code desc} or {@code asc},
   * in priority order.
   *
   * @param where how errors name the resource, e.g. {@code "source 'shop', table 'public.orders'"}
   */
  public static MergeHints fromConfig(JsonNode node, String where) {
    MergeStrategy strategy = null;
    if (node.hasNonNull("merge_strategy")) {
      strategy =
          MergeStrategy.fromConfigName(text(node.get("merge_strategy"), where, "merge_strategy"));
    }
    List<String> mergeKey = strings(node.get("merge_key"), where, "merge_key");
    String hardDelete =
        node.hasNonNull("hard_delete") ? text(node.get("hard_delete"), where, "hard_delete") : null;
    List<SortColumn> sort = new ArrayList<>();
    JsonNode dedup = node.get("dedup_sort");
    if (dedup != null && !dedup.isNull()) {
      if (!dedup.isObject()) {
        throw new DuckliftException(
            where + ": dedup_sort must be a map of column to desc or asc, e.g. {lsn: desc}");
      }
      Iterator<Map.Entry<String, JsonNode>> it = dedup.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String order = e.getValue().asText("").trim().toLowerCase(java.util.Locale.ROOT);
        if (!order.equals("desc") && !order.equals("asc")) {
          throw new DuckliftException(
              where
                  + ": dedup_sort of column '"
                  + e.getKey()
                  + "' must be desc or asc, not '"
                  + e.getValue().asText()
                  + "'");
        }
        sort.add(new SortColumn(e.getKey(), order.equals("desc")));
      }
    }
    List<String> exclude =
        strings(node.get("exclude_from_version_hash"), where, "exclude_from_version_hash");
    Instant boundary = null;
    if (node.hasNonNull("boundary_timestamp")) {
      String text = text(node.get("boundary_timestamp"), where, "boundary_timestamp");
      try {
        boundary = Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new DuckliftException(
            where
                + ": boundary_timestamp '"
                + text
                + "' is not an ISO 8601 instant such as 2024-01-01T00:00:00Z",
            e);
      }
    }
    String validFrom =
        node.hasNonNull("valid_from_column")
            ? text(node.get("valid_from_column"), where, "valid_from_column")
            : null;
    return new MergeHints(strategy, mergeKey, hardDelete, sort, exclude, boundary, validFrom);
  }

  private static String text(JsonNode n, String where, String key) {
    if (!n.isTextual()) {
      throw new DuckliftException(where + ": " + key + " must be a string, not " + n);
    }
    return n.asText();
  }

  private static List<String> strings(JsonNode n, String where, String key) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (n.isTextual()) {
      return List.of(n.asText());
    }
    if (!n.isArray()) {
      throw new DuckliftException(where + ": " + key + " must be a column or a list of columns");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      out.add(text(e, where, key));
    }
    return out;
  }

  /** Builds {@link MergeHints}. Not thread-safe. */
  public static final class Builder {
    private MergeStrategy strategy;
    private final List<String> mergeKey = new ArrayList<>();
    private String hardDelete;
    private final List<SortColumn> dedupSort = new ArrayList<>();
    private final List<String> versionHashExclude = new ArrayList<>();
    private Instant boundaryTimestamp;
    private String validFromColumn;

    public Builder strategy(MergeStrategy strategy) {
      this.strategy = strategy;
      return this;
    }

    public Builder mergeKey(String... columns) {
      this.mergeKey.addAll(List.of(columns));
      return this;
    }

    public Builder hardDelete(String column) {
      this.hardDelete = column;
      return this;
    }

    /** Adds a sort column; the first added has the highest priority. */
    public Builder dedupSort(String column, boolean descending) {
      this.dedupSort.add(new SortColumn(column, descending));
      return this;
    }

    public Builder excludeFromVersionHash(String... columns) {
      this.versionHashExclude.addAll(List.of(columns));
      return this;
    }

    public Builder boundaryTimestamp(Instant boundary) {
      this.boundaryTimestamp = boundary;
      return this;
    }

    public Builder validFromColumn(String column) {
      this.validFromColumn = column;
      return this;
    }

    public MergeHints build() {
      return new MergeHints(
          strategy,
          mergeKey,
          hardDelete,
          dedupSort,
          versionHashExclude,
          boundaryTimestamp,
          validFromColumn);
    }
  }

  public static Builder builder() {
    return new Builder();
  }
}
