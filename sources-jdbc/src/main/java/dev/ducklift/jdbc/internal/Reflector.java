package dev.ducklift.jdbc.internal;

import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Identifiers;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.PartitionField;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.jdbc.CursorMode;
import dev.ducklift.jdbc.JdbcTable;
import dev.ducklift.jdbc.internal.ResolvedTable.MappedColumn;
import dev.ducklift.jdbc.spi.ColumnMapping;
import dev.ducklift.jdbc.spi.JdbcDialect;
import dev.ducklift.jdbc.spi.SourceColumn;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reflects declared tables, patterns and queries through {@link DatabaseMetaData} (and {@link
 * ResultSetMetaData} for queries) into {@link ResolvedTable}s.
 */
public final class Reflector {
  private static final Logger LOG = LoggerFactory.getLogger(Reflector.class);

  private final JdbcDialect dialect;

  public Reflector(JdbcDialect dialect) {
    this.dialect = dialect;
  }

  /**
   * Resolves one declaration: one table, every table matching a pattern, or a query.
   *
   * @throws DuckliftException naming the table when it does not exist or its hints do not fit
   */
  public List<ResolvedTable> resolve(Connection connection, JdbcTable table) {
    try {
      return switch (table.kind()) {
        case TABLE -> {
          String schema = table.schema() != null ? table.schema() : connection.getSchema();
          yield List.of(resolveTable(connection, table, schema, table.table()));
        }
        case PATTERN -> {
          List<ResolvedTable> out = new ArrayList<>();
          String schema = table.schema() != null ? table.schema() : connection.getSchema();
          for (String[] name : matchingTables(connection, schema, table.table())) {
            out.add(resolveTable(connection, table, name[0], name[1]));
          }
          if (out.isEmpty()) {
            throw new DuckliftException(
                "No table matches pattern '" + table.label() + "' in schema " + schema);
          }
          yield out;
        }
        case QUERY -> List.of(resolveQuery(connection, table));
      };
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot reflect "
              + table.label()
              + ": "
              + e.getMessage()
              + " (SQLSTATE "
              + e.getSQLState()
              + ")",
          e);
    }
  }

  private List<String[]> matchingTables(Connection c, String schema, String pattern)
      throws SQLException {
    List<String[]> names = new ArrayList<>();
    try (ResultSet rs =
        c.getMetaData()
            .getTables(
                null,
                schema,
                pattern,
                new String[] {
                  "TABLE", "VIEW", "MATERIALIZED VIEW", "PARTITIONED TABLE", "BASE TABLE"
                })) {
      while (rs.next()) {
        names.add(new String[] {rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME")});
      }
    }
    names.sort((a, b) -> (a[0] + "." + a[1]).compareTo(b[0] + "." + b[1]));
    return names;
  }

  private ResolvedTable resolveTable(Connection c, JdbcTable table, String schema, String name)
      throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    String escape = md.getSearchStringEscape();
    String label = schema == null ? name : schema + "." + name;
    List<SourceColumn> columns = new ArrayList<>();
    TreeMap<Integer, SourceColumn> ordered = new TreeMap<>();
    try (ResultSet rs = md.getColumns(null, escape(schema, escape), escape(name, escape), "%")) {
      while (rs.next()) {
        ordered.put(
            rs.getInt("ORDINAL_POSITION"),
            new SourceColumn(
                rs.getString("COLUMN_NAME"),
                rs.getInt("DATA_TYPE"),
                rs.getString("TYPE_NAME"),
                rs.getInt("COLUMN_SIZE"),
                rs.getInt("DECIMAL_DIGITS"),
                rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
      }
    }
    columns.addAll(ordered.values());
    if (columns.isEmpty()) {
      throw new DuckliftException(
          "Table " + label + " does not exist or has no columns visible to this user");
    }
    List<String> primaryKey = table.primaryKey();
    if (primaryKey.isEmpty()) {
      TreeMap<Short, String> key = new TreeMap<>();
      try (ResultSet rs = md.getPrimaryKeys(null, schema, name)) {
        while (rs.next()) {
          key.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
        }
      }
      primaryKey = new ArrayList<>(key.values());
    }
    String from = (schema == null ? "" : dialect.quote(schema) + ".") + dialect.quote(name);
    String resource =
        table.resourceName() != null && table.kind() == JdbcTable.Kind.TABLE
            ? table.resourceName()
            : name;
    return build(c, table, label, from, resource, columns, primaryKey);
  }

  private ResolvedTable resolveQuery(Connection c, JdbcTable table) throws SQLException {
    List<SourceColumn> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM (" + table.query() + ") q")) {
      ResultSetMetaData md = ps.getMetaData();
      if (md == null) {
        throw new DuckliftException(
            "The driver cannot describe the columns of " + table.label() + " before running it");
      }
      for (int i = 1; i <= md.getColumnCount(); i++) {
        columns.add(
            new SourceColumn(
                md.getColumnLabel(i),
                md.getColumnType(i),
                md.getColumnTypeName(i),
                md.getPrecision(i),
                md.getScale(i),
                md.isNullable(i) != ResultSetMetaData.columnNoNulls));
      }
    }
    return build(
        c,
        table,
        table.label(),
        "(" + table.query() + ") q",
        table.resourceName(),
        columns,
        table.primaryKey());
  }

  private ResolvedTable build(
      Connection c,
      JdbcTable table,
      String label,
      String from,
      String resourceName,
      List<SourceColumn> all,
      List<String> primaryKey)
      throws SQLException {
    Map<String, MappedColumn> byName = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (SourceColumn column : all) {
      ColumnMapping mapping = dialect.map(c, column);
      DataType override = table.columnTypes().get(column.name());
      if (override != null) {
        mapping = override(label, column.name(), mapping, override);
      }
      if (mapping.warning() != null) {
        String warning = label + ": " + mapping.warning();
        warnings.add(warning);
        LOG.warn(warning);
      }
      MappedColumn mapped = new MappedColumn(column, mapping, Identifiers.snakeCase(column.name()));
      for (MappedColumn other : byName.values()) {
        if (other.key().equals(mapped.key())) {
          throw new DuckliftException(
              label
                  + ": columns '"
                  + other.name()
                  + "' and '"
                  + column.name()
                  + "' both become column '"
                  + mapped.key()
                  + "'; select one of them under another name in a custom query");
        }
      }
      byName.put(column.name(), mapped);
    }
    for (String name : table.columnTypes().keySet()) {
      require(byName, name, label, "a declared column type");
    }
    List<MappedColumn> selected = new ArrayList<>();
    if (!table.includeColumns().isEmpty()) {
      for (String name : table.includeColumns()) {
        selected.add(require(byName, name, label, "an included column"));
      }
    } else {
      for (String name : table.excludeColumns()) {
        require(byName, name, label, "an excluded column");
      }
      for (MappedColumn m : byName.values()) {
        if (!table.excludeColumns().contains(m.name())) {
          selected.add(m);
        }
      }
    }
    List<String> selectedNames = selected.stream().map(MappedColumn::name).toList();
    for (String key : primaryKey) {
      if (!selectedNames.contains(key)) {
        throw new DuckliftException(
            label + ": primary key column '" + key + "' is not among the selected columns");
      }
    }

    CursorMode mode = table.cursorMode();
    int cursorIndex = -1;
    int idIndex = -1;
    CursorValue.Kind cursorKind = null;
    CursorValue.Kind idKind = null;
    Incremental incremental = null;
    if (mode != null) {
      cursorIndex = selectedIndex(selectedNames, table.cursorColumn(), label, "cursor");
      cursorKind = cursorKind(selected.get(cursorIndex), label);
      if (mode == CursorMode.INCREMENTING
          && cursorKind != CursorValue.Kind.INTEGER
          && cursorKind != CursorValue.Kind.DECIMAL) {
        throw new DuckliftException(
            label + ": incrementing column '" + table.cursorColumn() + "' must be numeric");
      }
      if (mode == CursorMode.TIMESTAMP_INCREMENTING) {
        idIndex = selectedIndex(selectedNames, table.incrementingColumn(), label, "incrementing");
        idKind = cursorKind(selected.get(idIndex), label);
      }
      MappedColumn cursor = selected.get(cursorIndex);
      if (cursor.source().nullable()) {
        String warning =
            label
                + ": cursor column '"
                + cursor.name()
                + "' is nullable; rows with a NULL cursor are never read incrementally";
        warnings.add(warning);
        LOG.warn(warning);
      }
      incremental =
          Incremental.on(cursor.key())
              .withInitialValue(typed(table.initialValue(), cursorKind, label, "initial value"))
              .withEndValue(typed(table.endValue(), cursorKind, label, "end value"))
              .withLag(lag(table.lag(), cursorKind, label));
    }
    WriteDisposition disposition = table.writeDisposition();
    if (mode == CursorMode.TIMESTAMP && primaryKey.isEmpty() && disposition == null) {
      throw new DuckliftException(
          label
              + ": the timestamp mode re-reads the rows at the last timestamp (and within the lag),"
              + " which needs a primary key to drop them again; declare one, or declare the append"
              + " disposition to keep the duplicates");
    }

    MappedColumn splitColumn = null;
    CursorValue.Kind splitKind = null;
    if (table.split() != null) {
      splitColumn = require(byName, table.split().column(), label, "the split column");
      splitKind = cursorKind(splitColumn, label);
      if (splitKind == CursorValue.Kind.TEXT) {
        throw new DuckliftException(
            label + ": split column '" + splitColumn.name() + "' must be numeric or temporal");
      }
    }

    String name =
        table.sharded()
            ? resourceName + "_shard_" + table.shardIndex() + "_of_" + table.shardCount()
            : resourceName;
    ResourceSpec.Builder spec =
        ResourceSpec.builder(name)
            .tableName(table.destinationTable() != null ? table.destinationTable() : resourceName)
            .primaryKey(primaryKey.stream().map(k -> byName.get(k).key()).toList())
            .writeDisposition(disposition)
            .merge(table.merge())
            .partitionBy(partitionFields(table, byName, label))
            .incremental(incremental)
            // Rows are flat; a JSON document or an array stays one JSON value.
            .maxNestingDepth(0);
    for (MappedColumn m : selected) {
      spec.column(new ColumnHint(m.key(), m.mapping().type(), m.source().nullable()));
    }
    return new ResolvedTable(
        label,
        from,
        selected,
        spec.build(),
        mode,
        cursorIndex,
        idIndex,
        cursorKind,
        idKind,
        table.split(),
        splitColumn,
        splitKind,
        table.sharded() ? table.shardIndex() : -1,
        warnings);
  }

  /** The partition keys with their columns named as the table's, checked against their types. */
  private static List<PartitionField> partitionFields(
      JdbcTable table, Map<String, MappedColumn> byName, String label) {
    List<PartitionField> out = new ArrayList<>();
    for (PartitionField f : table.partitionBy()) {
      MappedColumn m = require(byName, f.column(), label, "partition key '" + f + "'");
      String problem = f.transform().problemWith(m.mapping().type());
      if (problem != null) {
        throw new DuckliftException(label + ": partition key '" + f + "': " + problem);
      }
      out.add(f.withColumn(m.key()));
    }
    return out;
  }

  private static MappedColumn require(
      Map<String, MappedColumn> byName, String name, String label, String role) {
    MappedColumn m = byName.get(name);
    if (m == null) {
      throw new DuckliftException(
          label
              + " has no column '"
              + name
              + "' (named as "
              + role
              + "); it has "
              + byName.keySet());
    }
    return m;
  }

  private static int selectedIndex(List<String> selected, String name, String label, String role) {
    int i = selected.indexOf(name);
    if (i < 0) {
      throw new DuckliftException(
          label
              + ": "
              + role
              + " column '"
              + name
              + "' is not among the selected columns "
              + selected);
    }
    return i;
  }

  static CursorValue.Kind cursorKind(MappedColumn m, String label) {
    return switch (m.mapping().type().kind()) {
      case SMALLINT, INTEGER, BIGINT -> CursorValue.Kind.INTEGER;
      case DECIMAL -> CursorValue.Kind.DECIMAL;
      case TIMESTAMPTZ -> CursorValue.Kind.TIMESTAMPTZ;
      case TIMESTAMP -> CursorValue.Kind.TIMESTAMP;
      case DATE -> CursorValue.Kind.DATE;
      case TEXT -> CursorValue.Kind.TEXT;
      default ->
          throw new DuckliftException(
              label
                  + ": column '"
                  + m.name()
                  + "' of type "
                  + m.mapping().type()
                  + " cannot be a cursor or split column");
    };
  }

  private static CursorValue typed(Object value, CursorValue.Kind kind, String label, String role) {
    if (value == null) {
      return null;
    }
    if (value instanceof CursorValue cv) {
      if (cv.kind() == kind) {
        return cv;
      }
      if (cv.kind() == CursorValue.Kind.INTEGER && kind == CursorValue.Kind.DECIMAL) {
        return CursorValue.of(BigDecimal.valueOf((Long) cv.value()));
      }
      throw new DuckliftException(
          label + ": the " + role + " " + cv + " does not fit a " + kind + " cursor");
    }
    return CursorValue.parse(kind, value.toString());
  }

  private static Object lag(Object lag, CursorValue.Kind kind, String label) {
    if (lag == null) {
      return null;
    }
    boolean temporal =
        kind == CursorValue.Kind.TIMESTAMPTZ
            || kind == CursorValue.Kind.TIMESTAMP
            || kind == CursorValue.Kind.DATE;
    if (temporal != (lag instanceof Duration)) {
      throw new DuckliftException(
          label + ": a lag of " + lag + " does not fit a " + kind + " cursor");
    }
    return lag;
  }

  private static ColumnMapping override(
      String label, String column, ColumnMapping base, DataType type) {
    var reader = base.reader();
    var decoder = base.textDecoder();
    return switch (type.kind()) {
      case DECIMAL ->
          ColumnMapping.of(
              type,
              BigDecimal.class,
              (rows, i) -> fit(label, column, reader.read(rows, i), type),
              decoder == null ? null : s -> fit(label, column, decoder.decode(s), type));
      case TEXT, JSON ->
          ColumnMapping.of(
              type, String.class, (rows, i) -> rows.getString(i), decoder == null ? null : s -> s);
      default -> {
        if (base.type().equals(type)) {
          yield base;
        }
        throw new DuckliftException(
            label
                + ": column '"
                + column
                + "' is "
                + base.type()
                + " and cannot be declared "
                + type
                + " (only decimal, text and json types can be declared)");
      }
    };
  }

  /** Converts to {@code type}'s scale without rounding; fails naming the column otherwise. */
  private static BigDecimal fit(String label, String column, Object value, DataType type) {
    if (value == null) {
      return null;
    }
    BigDecimal d;
    try {
      d = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
      d = d.setScale(type.scale(), RoundingMode.UNNECESSARY);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new DuckliftException(
          label + ": column '" + column + "' holds " + value + ", which does not fit " + type, e);
    }
    if (d.precision() > type.precision()) {
      throw new DuckliftException(
          label + ": column '" + column + "' holds " + value + ", which does not fit " + type);
    }
    return d;
  }

  private static String escape(String name, String escape) {
    if (name == null || escape == null || escape.isEmpty()) {
      return name;
    }
    return name.replace(escape, escape + escape)
        .replace("_", escape + "_")
        .replace("%", escape + "%");
  }
}
