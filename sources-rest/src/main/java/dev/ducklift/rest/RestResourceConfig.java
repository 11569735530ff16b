package dev.ducklift.rest;

import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.Normalization;
import dev.ducklift.core.PartitionField;
import dev.ducklift.core.WriteDisposition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The declaration of one REST resource, or (without a name) the resource defaults of a source.
 * Unset fields are {@code null} (lists: empty) and are filled from the resource defaults by {@link
 * RestSource}.
 *
 * @param name the resource name (also its table name unless {@code tableName} is set)
 * @param endpoint the request
 * @param tableName the root table
 * @param primaryKey the primary key columns, or {@code null} when unset
 * @param writeDisposition how rows land
 * @param incremental the incremental cursor (its path is read from each record)
 * @param rowOrder the order in which the API returns records by cursor, enabling early stop
 * @param includeFromParent parent fields copied into each child record as {@code _<parent>_<field>}
 * @param processingSteps filters and maps applied to each record, in order
 * @param columns declared columns (type hints such as {@code decimal(12,2)}), by column name
 * @param naming how field names become column names, or {@code null} when unset (snake_case)
 * @param naiveTimestamps {@code utc}, {@code separate} or a zone id, or {@code null} when unset
 *     ({@code utc}); see {@link Normalization}
 * @param jsonNumbers how numbers with a fraction or exponent are read, or {@code null} when unset
 *     ({@code double})
 * @param merge merge hints (strategy, merge key, hard delete, dedup order, SCD2 options), or {@code
 *     null} when unset
 * @param partitionBy the root table's partition keys ({@code column} or {@code transform(column)}),
 *     or {@code null} when unset
 */
public record RestResourceConfig(
    String name,
    Endpoint endpoint,
    String tableName,
    List<String> primaryKey,
    WriteDisposition writeDisposition,
    Incremental incremental,
    RowOrder rowOrder,
    List<String> includeFromParent,
    List<ProcessingStep> processingSteps,
    Map<String, ColumnHint> columns,
    Normalization.Naming naming,
    String naiveTimestamps,
    Normalization.JsonNumbers jsonNumbers,
    List<PartitionField> partitionBy,
    MergeHints merge) {

  /**
   * The order of records by cursor, as the API returns them. With {@code ASC} the resource stops at
   * the first record at or past the end value; with {@code DESC} at the first record before the
   * start value.
   */
  public enum RowOrder {
    ASC,
    DESC;

    public static RowOrder fromConfigName(String name) {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
  }

  public RestResourceConfig {
    primaryKey = primaryKey == null ? null : List.copyOf(primaryKey);
    includeFromParent = List.copyOf(includeFromParent == null ? List.of() : includeFromParent);
    processingSteps = List.copyOf(processingSteps == null ? List.of() : processingSteps);
    columns =
        columns == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    if (naiveTimestamps != null) {
      Normalization.naiveTimestampsFromConfig(naiveTimestamps);
    }
    partitionBy = partitionBy == null ? null : List.copyOf(partitionBy);
  }

  /** Naming, naive timestamps and JSON numbers of this resource (defaults where unset). */
  public Normalization normalization() {
    Normalization n = Normalization.DEFAULT;
    if (naming != null) {
      n = n.withNaming(naming);
    }
    if (naiveTimestamps != null) {
      n = n.withNaiveTimestamps(Normalization.naiveTimestampsFromConfig(naiveTimestamps));
    }
    if (jsonNumbers != null) {
      n = n.withJsonNumbers(jsonNumbers);
    }
    return n;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder for resource defaults (no name). */
  public static Builder defaults() {
    return new Builder(null);
  }

  public Builder newBuilder() {
    Builder b = new Builder(name);
    b.endpoint = endpoint;
    b.tableName = tableName;
    b.primaryKey = primaryKey;
    b.writeDisposition = writeDisposition;
    b.incremental = incremental;
    b.rowOrder = rowOrder;
    b.includeFromParent.addAll(includeFromParent);
    b.processingSteps.addAll(processingSteps);
    b.columns.putAll(columns);
    b.naming = naming;
    b.naiveTimestamps = naiveTimestamps;
    b.jsonNumbers = jsonNumbers;
    b.partitionBy = partitionBy;
    b.merge = merge;
    return b;
  }

  /** This resource with unset fields taken from {@code defaults}. */
  public RestResourceConfig withDefaults(RestResourceConfig defaults) {
    if (defaults == null) {
      return this;
    }
    Endpoint mergedEndpoint =
        endpoint == null ? defaults.endpoint : endpoint.withDefaults(defaults.endpoint);
    return new RestResourceConfig(
        name,
        mergedEndpoint,
        tableName != null ? tableName : defaults.tableName,
        primaryKey != null ? primaryKey : defaults.primaryKey,
        writeDisposition != null ? writeDisposition : defaults.writeDisposition,
        incremental != null ? incremental : defaults.incremental,
        rowOrder != null ? rowOrder : defaults.rowOrder,
        !includeFromParent.isEmpty() ? includeFromParent : defaults.includeFromParent,
        !processingSteps.isEmpty() ? processingSteps : defaults.processingSteps,
        !columns.isEmpty() ? columns : defaults.columns,
        naming != null ? naming : defaults.naming,
        naiveTimestamps != null ? naiveTimestamps : defaults.naiveTimestamps,
        jsonNumbers != null ? jsonNumbers : defaults.jsonNumbers,
        partitionBy != null ? partitionBy : defaults.partitionBy,
        merge != null ? merge : defaults.merge);
  }

  /** Builds a {@link RestResourceConfig}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private Endpoint endpoint;
    private String tableName;
    private List<String> primaryKey;
    private WriteDisposition writeDisposition;
    private Incremental incremental;
    private RowOrder rowOrder;
    private final List<String> includeFromParent = new ArrayList<>();
    private final List<ProcessingStep> processingSteps = new ArrayList<>();
    private final Map<String, ColumnHint> columns = new LinkedHashMap<>();
    private Normalization.Naming naming;
    private String naiveTimestamps;
    private Normalization.JsonNumbers jsonNumbers;
    private List<PartitionField> partitionBy;
    private MergeHints merge;

    private Builder(String name) {
      this.name = name;
    }

    public Builder endpoint(Endpoint endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** Shorthand for an endpoint with only a path. */
    public Builder path(String path) {
      this.endpoint =
          endpoint == null ? Endpoint.of(path) : endpoint.newBuilder().path(path).build();
      return this;
    }

    public Builder tableName(String tableName) {
      this.tableName = tableName;
      return this;
    }

    public Builder primaryKey(String... columns) {
      this.primaryKey = List.of(columns);
      return this;
    }

    public Builder primaryKey(List<String> columns) {
      this.primaryKey = columns == null ? null : List.copyOf(columns);
      return this;
    }

    public Builder writeDisposition(WriteDisposition disposition) {
      this.writeDisposition = disposition;
      return this;
    }

    public Builder incremental(Incremental incremental) {
      this.incremental = incremental;
      return this;
    }

    public Builder rowOrder(RowOrder order) {
      this.rowOrder = order;
      return this;
    }

    public Builder includeFromParent(String... fields) {
      this.includeFromParent.addAll(List.of(fields));
      return this;
    }

    /** Sets the merge hints; columns are named by their record paths, like the primary key. */
    public Builder merge(MergeHints hints) {
      this.merge = hints;
      return this;
    }

    public Builder processingStep(ProcessingStep step) {
      this.processingSteps.add(step);
      return this;
    }

    /** Declares a column (a type hint such as {@code DataType.decimal(12, 2)}). */
    public Builder column(ColumnHint hint) {
      this.columns.put(hint.name(), hint);
      return this;
    }

    /** Field names as they are ({@code DIRECT}) or snake_case (the default). */
    public Builder naming(Normalization.Naming naming) {
      this.naming = naming;
      return this;
    }

    /** {@code utc} (the default), {@code separate} or a zone id such as {@code Europe/Berlin}. */
    public Builder naiveTimestamps(String setting) {
      this.naiveTimestamps = setting;
      return this;
    }

    /** {@code DOUBLE} (the default) or {@code EXACT} decimals for numbers with a fraction. */
    public Builder jsonNumbers(Normalization.JsonNumbers jsonNumbers) {
      this.jsonNumbers = jsonNumbers;
      return this;
    }

    /**
     * The root table's partition keys: {@code column} or {@code transform(column)} with {@code
     * identity}, {@code year}, {@code month}, {@code day} or {@code hour}.
     */
    public Builder partitionBy(String... keys) {
      List<PartitionField> fields = new ArrayList<>();
      for (String k : keys) {
        fields.add(PartitionField.parse(k));
      }
      this.partitionBy = List.copyOf(fields);
      return this;
    }

    public RestResourceConfig build() {
      return new RestResourceConfig(
          name,
          endpoint,
          tableName,
          primaryKey,
          writeDisposition,
          incremental,
          rowOrder,
          includeFromParent,
          processingSteps,
          columns,
          naming,
          naiveTimestamps,
          jsonNumbers,
          partitionBy,
          merge);
    }
  }
}
