package dev.ducklift.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The declaration of a resource: everything the runtime needs besides the records themselves.
 *
 * @param name the resource name, unique within a pipeline; also the key of its state
 * @param tableName the root table (defaults to the normalized resource name)
 * @param primaryKey the primary key columns of the root table (compound allowed, may be empty)
 * @param writeDisposition how rows land; defaults to {@link WriteDisposition#INSERT_NEW} when there
 *     is a primary key and a cursor, else {@link WriteDisposition#APPEND}
 * @param incremental the incremental cursor, or {@code null}
 * @param columns declared columns, by normalized column name, in declaration order
 * @param maxNestingDepth how deep nested objects flatten into columns before the rest is kept as
 *     JSON
 * @param schemaContract what happens with values that do not fit the schema
 * @param normalization naming, naive timestamps and JSON numbers (defaults to {@link
 *     Normalization#DEFAULT})
 * @param partitionBy the root table's partition keys, empty for no opinion (a table keeps the
 *     partitioning its catalog records); a non-empty hint that differs from the table's current
 *     partitioning changes it
 * @param merge merge strategy, merge key, hard-delete column, dedup order and SCD2 options ({@link
 *     MergeHints#NONE} by default)
 */
public record ResourceSpec(
    String name,
    String tableName,
    List<String> primaryKey,
    WriteDisposition writeDisposition,
    Incremental incremental,
    Map<String, ColumnHint> columns,
    int maxNestingDepth,
    SchemaContract schemaContract,
    Normalization normalization,
    List<PartitionField> partitionBy,
    MergeHints merge) {

  public static final int DEFAULT_MAX_NESTING_DEPTH = 10;

  public ResourceSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Resource name must not be blank");
    }
    tableName = tableName == null || tableName.isBlank() ? name : tableName;
    primaryKey = List.copyOf(primaryKey == null ? List.of() : primaryKey);
    // In declaration order: a new table's columns follow it.
    columns =
        Collections.unmodifiableMap(new LinkedHashMap<>(columns == null ? Map.of() : columns));
    if (writeDisposition == null) {
      writeDisposition =
          !primaryKey.isEmpty() && incremental != null
              ? WriteDisposition.INSERT_NEW
              : WriteDisposition.APPEND;
    }
    merge = merge == null ? MergeHints.NONE : merge;
    // delete-insert ends rows by merge key; scd2 can tell versions apart by their hash
    boolean keyless = merge.strategy() != MergeStrategy.UPSERT;
    if ((writeDisposition == WriteDisposition.MERGE && !keyless
            || writeDisposition == WriteDisposition.INSERT_NEW)
        && primaryKey.isEmpty()) {
      throw new DuckliftException(
          "Resource '"
              + name
              + "' uses write disposition "
              + writeDisposition.configName()
              + ", which needs a primary key");
    }
    if (maxNestingDepth < 0) {
      throw new IllegalArgumentException("Max nesting depth must be >= 0: " + maxNestingDepth);
    }
    schemaContract = schemaContract == null ? SchemaContract.EVOLVE : schemaContract;
    normalization = normalization == null ? Normalization.DEFAULT : normalization;
    partitionBy = List.copyOf(partitionBy == null ? List.of() : partitionBy);
    for (int i = 0; i < partitionBy.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (partitionBy.get(i).equals(partitionBy.get(j))) {
          throw new DuckliftException(
              "Resource '" + name + "' names partition key '" + partitionBy.get(i) + "' twice");
        }
      }
    }
    merge.validate(name, writeDisposition, primaryKey, incremental != null);
    if (merge.hardDelete() != null) {
      ColumnHint flag = columns.get(merge.hardDelete());
      if (flag != null
          && !flag.nullable()
          && flag.type() != null
          && flag.type().kind() != dev.ducklift.core.schema.DataType.Kind.BOOLEAN) {
        throw new DuckliftException(
            "Resource '"
                + name
                + "': hard_delete column '"
                + merge.hardDelete()
                + "' must be boolean or nullable, but is declared "
                + flag.type().duckdbType()
                + " NOT NULL (every row would delete its key)");
      }
    }
  }

  public Optional<Incremental> incrementalCursor() {
    return Optional.ofNullable(incremental);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.tableName = tableName;
    b.primaryKey = new ArrayList<>(primaryKey);
    b.writeDisposition = writeDisposition;
    b.incremental = incremental;
    b.columns = new LinkedHashMap<>(columns);
    b.maxNestingDepth = maxNestingDepth;
    b.schemaContract = schemaContract;
    b.normalization = normalization;
    b.partitionBy = new ArrayList<>(partitionBy);
    b.merge = merge;
    return b;
  }

  /** Builds a {@link ResourceSpec}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String tableName;
    private List<String> primaryKey = new ArrayList<>();
    private WriteDisposition writeDisposition;
    private Incremental incremental;
    private Map<String, ColumnHint> columns = new LinkedHashMap<>();
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
    private SchemaContract schemaContract = SchemaContract.EVOLVE;
    private Normalization normalization = Normalization.DEFAULT;
    private List<PartitionField> partitionBy = new ArrayList<>();
    private MergeHints merge = MergeHints.NONE;

    private Builder(String name) {
      this.name = name;
    }

    public Builder tableName(String tableName) {
      this.tableName = tableName;
      return this;
    }

    public Builder primaryKey(String... columns) {
      this.primaryKey = new ArrayList<>(List.of(columns));
      return this;
    }

    public Builder primaryKey(List<String> columns) {
      this.primaryKey = new ArrayList<>(columns);
      return this;
    }

    public Builder writeDisposition(WriteDisposition writeDisposition) {
      this.writeDisposition = writeDisposition;
      return this;
    }

    public Builder incremental(Incremental incremental) {
      this.incremental = incremental;
      return this;
    }

    public Builder column(ColumnHint hint) {
      this.columns.put(hint.name(), hint);
      return this;
    }

    public Builder maxNestingDepth(int depth) {
      this.maxNestingDepth = depth;
      return this;
    }

    public Builder schemaContract(SchemaContract contract) {
      this.schemaContract = contract;
      return this;
    }

    public Builder normalization(Normalization normalization) {
      this.normalization = normalization;
      return this;
    }

    /** Field names as they are ({@code direct}) or snake_case (the default). */
    public Builder naming(Normalization.Naming naming) {
      this.normalization = normalization.withNaming(naming);
      return this;
    }

    /**
     * The zone naive timestamps are read in when they meet a {@code TIMESTAMPTZ} column (default
     * UTC); {@code null} keeps naive and offset timestamps in separate columns.
     */
    public Builder naiveTimestamps(java.time.ZoneId zone) {
      this.normalization = normalization.withNaiveTimestamps(zone);
      return this;
    }

    /** How a JSON source reads numbers with a fraction or exponent (default {@code DOUBLE}). */
    public Builder jsonNumbers(Normalization.JsonNumbers jsonNumbers) {
      this.normalization = normalization.withJsonNumbers(jsonNumbers);
      return this;
    }

    /**
     * The root table's partition keys, each a column or {@code transform(column)} with {@code
     * identity}, {@code year}, {@code month}, {@code day} or {@code hour}.
     *
     * @throws DuckliftException naming the key if one is malformed or its transform unknown
     */
    public Builder partitionBy(String... keys) {
      List<PartitionField> fields = new ArrayList<>();
      for (String k : keys) {
        fields.add(PartitionField.parse(k));
      }
      this.partitionBy = fields;
      return this;
    }

    public Builder partitionBy(List<PartitionField> fields) {
      this.partitionBy = new ArrayList<>(fields);
      return this;
    }

    /** Sets the merge hints (strategy, merge key, hard delete, dedup order, SCD2 options). */
    public Builder merge(MergeHints hints) {
      this.merge = hints;
      return this;
    }

    public ResourceSpec build() {
      return new ResourceSpec(
          name,
          tableName,
          primaryKey,
          writeDisposition,
          incremental,
          columns,
          maxNestingDepth,
          schemaContract,
          normalization,
          partitionBy,
          merge);
    }
  }
}
