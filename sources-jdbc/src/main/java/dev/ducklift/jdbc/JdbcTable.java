package dev.ducklift.jdbc;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.PartitionField;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.DataType;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to read and how: a table by name, every table matching a pattern, or a custom query, with
 * column selection and per-table hints (primary key, cursor, disposition, type overrides, range
 * split). Immutable; built with {@link #table}, {@link #pattern} or {@link #query}.
 *
 * <p>A table name may be schema-qualified ({@code public.events}); a pattern uses SQL {@code LIKE}
 * wildcards in the table part ({@code public.order_%}) and each matching table becomes one resource
 * with the same hints. When no primary key is given, the table's primary key is read from {@link
 * java.sql.DatabaseMetaData#getPrimaryKeys}.
 */
public final class JdbcTable {

  /** What a {@link JdbcTable} selects. */
  public enum Kind {
    TABLE,
    PATTERN,
    QUERY
  }

  private final Kind kind;
  private final String schema;
  private final String table;
  private final String query;
  private final String resourceName;
  private final String destinationTable;
  private final List<String> includeColumns;
  private final List<String> excludeColumns;
  private final List<String> primaryKey;
  private final WriteDisposition writeDisposition;
  private final MergeHints merge;
  private final CursorMode cursorMode;
  private final String cursorColumn;
  private final String incrementingColumn;
  private final Object initialValue;
  private final Object endValue;
  private final Object lag;
  private final Map<String, DataType> columnTypes;
  private final RangeSplit split;
  private final int shardIndex;
  private final int shardCount;
  private final List<PartitionField> partitionBy;

  private JdbcTable(Builder b) {
    this.kind = b.kind;
    this.schema = b.schema;
    this.table = b.table;
    this.query = b.query;
    this.resourceName = b.resourceName;
    this.destinationTable = b.destinationTable;
    this.includeColumns = List.copyOf(b.includeColumns);
    this.excludeColumns = List.copyOf(b.excludeColumns);
    this.primaryKey = List.copyOf(b.primaryKey);
    this.writeDisposition = b.writeDisposition;
    this.merge = b.merge;
    this.cursorMode = b.cursorMode;
    this.cursorColumn = b.cursorColumn;
    this.incrementingColumn = b.incrementingColumn;
    this.initialValue = b.initialValue;
    this.endValue = b.endValue;
    this.lag = b.lag;
    this.columnTypes = Map.copyOf(b.columnTypes);
    this.split = b.split;
    this.shardIndex = b.shardIndex;
    this.shardCount = b.shardCount;
    this.partitionBy = List.copyOf(b.partitionBy);
  }

  /** A table by name, optionally schema-qualified ({@code public.events}). */
  public static Builder table(String qualifiedName) {
    Builder b = new Builder(Kind.TABLE);
    b.qualified(qualifiedName);
    return b;
  }

  /** Every table matching a SQL {@code LIKE} pattern ({@code public.order_%}). */
  public static Builder pattern(String qualifiedPattern) {
    Builder b = new Builder(Kind.PATTERN);
    b.qualified(qualifiedPattern);
    return b;
  }

  /** A custom query, read as resource {@code resourceName}. */
  public static Builder query(String resourceName, String sql) {
    Builder b = new Builder(Kind.QUERY);
    b.query = Objects.requireNonNull(sql, "sql").strip();
    b.resourceName = Objects.requireNonNull(resourceName, "resourceName");
    if (b.query.endsWith(";")) {
      b.query = b.query.substring(0, b.query.length() - 1);
    }
    return b;
  }

  public Kind kind() {
    return kind;
  }

  /** The schema, or {@code null} for the connection's search path. */
  public String schema() {
    return schema;
  }

  /** The table name or pattern; {@code null} for a query. */
  public String table() {
    return table;
  }

  /** The custom query; {@code null} for a table. */
  public String query() {
    return query;
  }

  /** The resource name, or {@code null} for the table's name. */
  public String resourceName() {
    return resourceName;
  }

  /** The destination table, or {@code null} for the resource name. */
  public String destinationTable() {
    return destinationTable;
  }

  public List<String> includeColumns() {
    return includeColumns;
  }

  public List<String> excludeColumns() {
    return excludeColumns;
  }

  /** The declared primary key, empty to read it from the database. */
  public List<String> primaryKey() {
    return primaryKey;
  }

  /** The merge hints (strategy, merge key, hard delete, dedup order, SCD2 options). */
  public MergeHints merge() {
    return merge;
  }

  /** The destination table's partition keys, by source column name (empty: none declared). */
  public List<PartitionField> partitionBy() {
    return partitionBy;
  }

  /** The declared disposition, or {@code null} for ingest-core's default. */
  public WriteDisposition writeDisposition() {
    return writeDisposition;
  }

  /** The incremental mode, or {@code null} for a full read every run. */
  public CursorMode cursorMode() {
    return cursorMode;
  }

  /** The cursor column ({@link CursorMode#INCREMENTING}'s id or the timestamp). */
  public String cursorColumn() {
    return cursorColumn;
  }

  /** The id column that breaks timestamp ties in {@link CursorMode#TIMESTAMP_INCREMENTING}. */
  public String incrementingColumn() {
    return incrementingColumn;
  }

  /** The initial watermark: a {@link CursorValue} or its text form (typed at reflection). */
  public Object initialValue() {
    return initialValue;
  }

  /** The exclusive end of a backfill window: a {@link CursorValue} or its text form. */
  public Object endValue() {
    return endValue;
  }

  /** The lag: a {@link Duration} for time cursors, a {@link Long} or {@link BigDecimal}. */
  public Object lag() {
    return lag;
  }

  /** Declared types that replace the mapped ones, by source column name. */
  public Map<String, DataType> columnTypes() {
    return columnTypes;
  }

  /** The range split, or {@code null}. */
  public RangeSplit split() {
    return split;
  }

  /** Whether this worker reads one shard of the split ({@link Builder#shard}). */
  public boolean sharded() {
    return shardCount > 0;
  }

  /** This worker's shard (0-based) when {@link #sharded()}. */
  public int shardIndex() {
    return shardIndex;
  }

  /** The number of shards when {@link #sharded()}, else 0. */
  public int shardCount() {
    return shardCount;
  }

  /** A builder holding this table's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(kind);
    b.schema = schema;
    b.table = table;
    b.query = query;
    b.resourceName = resourceName;
    b.destinationTable = destinationTable;
    b.includeColumns = new ArrayList<>(includeColumns);
    b.excludeColumns = new ArrayList<>(excludeColumns);
    b.primaryKey = new ArrayList<>(primaryKey);
    b.writeDisposition = writeDisposition;
    b.merge = merge;
    b.cursorMode = cursorMode;
    b.cursorColumn = cursorColumn;
    b.incrementingColumn = incrementingColumn;
    b.initialValue = initialValue;
    b.endValue = endValue;
    b.lag = lag;
    b.columnTypes = new LinkedHashMap<>(columnTypes);
    b.split = split;
    b.shardIndex = shardIndex;
    b.shardCount = shardCount;
    b.partitionBy = new ArrayList<>(partitionBy);
    return b;
  }

  /** A short label for messages: the qualified table, pattern or the query's resource name. */
  public String label() {
    return switch (kind) {
      case TABLE, PATTERN -> (schema == null ? "" : schema + ".") + table;
      case QUERY -> "query " + resourceName;
    };
  }

  @Override
  public String toString() {
    return "JdbcTable[" + kind.name().toLowerCase(java.util.Locale.ROOT) + " " + label() + "]";
  }

  /** Builds a {@link JdbcTable}. Not thread-safe. */
  public static final class Builder {
    private final Kind kind;
    private String schema;
    private String table;
    private String query;
    private String resourceName;
    private String destinationTable;
    private List<String> includeColumns = new ArrayList<>();
    private List<String> excludeColumns = new ArrayList<>();
    private List<String> primaryKey = new ArrayList<>();
    private WriteDisposition writeDisposition;
    private MergeHints merge = MergeHints.NONE;
    private CursorMode cursorMode;
    private String cursorColumn;
    private String incrementingColumn;
    private Object initialValue;
    private Object endValue;
    private Object lag;
    private List<PartitionField> partitionBy = new ArrayList<>();
    private Map<String, DataType> columnTypes = new LinkedHashMap<>();
    private RangeSplit split;
    private int shardIndex;
    private int shardCount;

    private Builder(Kind kind) {
      this.kind = kind;
    }

    private void qualified(String name) {
      Objects.requireNonNull(name, "name");
      int dot = name.indexOf('.');
      if (dot > 0) {
        schema = name.substring(0, dot);
        table = name.substring(dot + 1);
      } else {
        table = name;
      }
      if (table.isBlank()) {
        throw new DuckliftException("Table name '" + name + "' has no table part");
      }
    }

    /**
     * The resource name (default: the table name; required and already set for a query; each table
     * of a pattern is named after itself).
     */
    public Builder resourceName(String name) {
      this.resourceName = name;
      return this;
    }

    /** The destination table (default: the resource name). */
    public Builder destinationTable(String name) {
      this.destinationTable = name;
      return this;
    }

    /** Reads only these columns (in this order); cursor and key columns must be among them. */
    public Builder includeColumns(String... columns) {
      return includeColumns(List.of(columns));
    }

    public Builder includeColumns(List<String> columns) {
      this.includeColumns = new ArrayList<>(columns);
      return this;
    }

    /** Reads every column but these. */
    public Builder excludeColumns(String... columns) {
      return excludeColumns(List.of(columns));
    }

    public Builder excludeColumns(List<String> columns) {
      this.excludeColumns = new ArrayList<>(columns);
      return this;
    }

    /** The primary key; when not set, it is read from the database's metadata. */
    public Builder primaryKey(String... columns) {
      return primaryKey(List.of(columns));
    }

    public Builder primaryKey(List<String> columns) {
      this.primaryKey = new ArrayList<>(columns);
      return this;
    }

    /** Sets the merge hints; columns are named as in the table (or the query's result). */
    public Builder merge(MergeHints hints) {
      this.merge = hints == null ? MergeHints.NONE : hints;
      return this;
    }

    public Builder writeDisposition(WriteDisposition disposition) {
      this.writeDisposition = disposition;
      return this;
    }

    /** Reads incrementally by a strictly increasing id column. */
    public Builder incrementing(String idColumn) {
      this.cursorMode = CursorMode.INCREMENTING;
      this.cursorColumn = Objects.requireNonNull(idColumn, "idColumn");
      this.incrementingColumn = null;
      return this;
    }

    /** Reads incrementally by a timestamp column (re-reading {@link #lag} behind the watermark). */
    public Builder timestamp(String timestampColumn) {
      this.cursorMode = CursorMode.TIMESTAMP;
      this.cursorColumn = Objects.requireNonNull(timestampColumn, "timestampColumn");
      this.incrementingColumn = null;
      return this;
    }

    /** Reads incrementally by a timestamp column, with an id column breaking ties strictly. */
    public Builder timestampAndIncrementing(String timestampColumn, String idColumn) {
      this.cursorMode = CursorMode.TIMESTAMP_INCREMENTING;
      this.cursorColumn = Objects.requireNonNull(timestampColumn, "timestampColumn");
      this.incrementingColumn = Objects.requireNonNull(idColumn, "idColumn");
      return this;
    }

    /** The watermark of the first run (inclusive). */
    public Builder initialValue(CursorValue value) {
      this.initialValue = value;
      return this;
    }

    /** The watermark of the first run in text form, typed by the cursor column. */
    public Builder initialValue(String value) {
      this.initialValue = value;
      return this;
    }

    /** The exclusive end of a bounded backfill window; such a run never moves the watermark. */
    public Builder endValue(CursorValue value) {
      this.endValue = value;
      return this;
    }

    public Builder endValue(String value) {
      this.endValue = value;
      return this;
    }

    /** How far behind the watermark the next run starts (timestamp cursors). */
    public Builder lag(Duration lag) {
      this.lag = lag;
      return this;
    }

    /** How far behind the watermark the next run starts (numeric cursors). */
    public Builder lag(long lag) {
      this.lag = lag;
      return this;
    }

    /**
     * Declares a column's type instead of the mapped one, for example {@code decimal(20,4)} for an
     * unconstrained PostgreSQL {@code numeric}; every value is checked to fit it exactly.
     */
    public Builder columnType(String column, DataType type) {
      this.columnTypes.put(column, type);
      return this;
    }

    /**
     * Partitions the destination table by these keys: a source column, or {@code transform(column)}
     * with {@code identity}, {@code year}, {@code month}, {@code day} or {@code hour}.
     *
     * @throws DuckliftException naming the key if one is malformed or its transform unknown
     */
    public Builder partitionBy(String... keys) {
      return partitionBy(List.of(keys));
    }

    public Builder partitionBy(List<String> keys) {
      List<PartitionField> fields = new ArrayList<>();
      for (String k : keys) {
        fields.add(PartitionField.parse(k));
      }
      this.partitionBy = fields;
      return this;
    }

    /** Reads the table in {@code split.parts()} ranges concurrently (initial and full loads). */
    public Builder split(RangeSplit split) {
      this.split = split;
      return this;
    }

    /**
     * Makes this worker read only shard {@code index} (0-based) of {@code split}: run one worker
     * per shard, in separate processes, each with its own state. The resource name gets the suffix
     * {@code _shard_<index>_of_<count>}; the destination table stays the same.
     */
    public Builder shard(RangeSplit split, int index) {
      if (index < 0 || index >= split.parts()) {
        throw new DuckliftException(
            "Shard index " + index + " is outside 0.." + (split.parts() - 1));
      }
      this.split = split;
      this.shardIndex = index;
      this.shardCount = split.parts();
      return this;
    }

    /**
     * Builds the table.
     *
     * @throws DuckliftException when hints contradict each other
     */
    public JdbcTable build() {
      if (!includeColumns.isEmpty() && !excludeColumns.isEmpty()) {
        throw new DuckliftException(
            "Table '" + labelForErrors() + "' has both included and excluded columns");
      }
      if (cursorMode == null && (initialValue != null || endValue != null || lag != null)) {
        throw new DuckliftException(
            "Table '"
                + labelForErrors()
                + "' has an initial value, end value or lag but no cursor");
      }
      if (lag != null && cursorMode == CursorMode.TIMESTAMP_INCREMENTING) {
        // A lag re-reads rows by timestamp alone, which is what the strict tiebreak avoids.
        throw new DuckliftException(
            "Table '"
                + labelForErrors()
                + "' uses timestamp+incrementing, which reads strictly after the last (timestamp,"
                + " id); use the timestamp mode for a lag window");
      }
      return new JdbcTable(this);
    }

    private String labelForErrors() {
      return kind == Kind.QUERY ? resourceName : (schema == null ? "" : schema + ".") + table;
    }
  }
}
