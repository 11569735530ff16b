package dev.ducklift.rest;

import dev.ducklift.core.Incremental;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.PartitionField;
import dev.ducklift.core.WriteDisposition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
    partitionBy = partitionBy == null ? null : List.copyOf(partitionBy);
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
          partitionBy,
          merge);
    }
  }
}
