package dev.ducklift.core.internal;

import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table as the normalizer builds it: its evolving columns and the rows of the record being
 * normalized. Not thread-safe.
 */
public final class NormalizedTable {

  /** A column whose type may widen during a load. */
  public static final class ColumnState {
    final String name;
    DataType type;
    final boolean nullable;
    final int index;

    /**
     * Which readings of naive timestamps or dates into this column this load reported (bits of the
     * normalizer's {@code NOTED_*}).
     */
    int noted;

    ColumnState(String name, DataType type, boolean nullable, int index) {
      this.name = name;
      this.type = type;
      this.nullable = nullable;
      this.index = index;
    }

    public String name() {
      return name;
    }

    public DataType type() {
      return type;
    }

    public int index() {
      return index;
    }

    Column toColumn() {
      return new Column(name, type, nullable);
    }
  }

  /** A raw field path inside this table's records, with its resolved column and child table. */
  static final class FieldNode {
    final String rawPath;
    final String columnName;
    private Map<String, FieldNode> children;
    ColumnState column;
    NormalizedTable childTable;

    FieldNode(String rawPath, String columnName) {
      this.rawPath = rawPath;
      this.columnName = columnName;
    }

    FieldNode child(String key) {
      return children == null ? null : children.get(key);
    }

    /*
     * Records of one source nearly always list their fields in the same order, and JSON parsers
     * intern field names, so remembering which key instance came at each position turns most
     * lookups into one identity comparison instead of hashing.
     */
    private String[] orderedKeys = new String[0];
    private FieldNode[] orderedNodes = new FieldNode[0];

    FieldNode childAt(int position, String key) {
      return position < orderedKeys.length && orderedKeys[position] == key
          ? orderedNodes[position]
          : null;
    }

    void remember(int position, String key, FieldNode node) {
      if (position >= 256) {
        return;
      }
      if (position >= orderedKeys.length) {
        int size = Math.max(position + 1, orderedKeys.length * 2);
        orderedKeys = java.util.Arrays.copyOf(orderedKeys, size);
        orderedNodes = java.util.Arrays.copyOf(orderedNodes, size);
      }
      orderedKeys[position] = key;
      orderedNodes[position] = node;
    }

    void putChild(String key, FieldNode node) {
      if (children == null) {
        children = new HashMap<>();
      }
      children.put(key, node);
    }
  }

  final String name;
  final String parentName;
  final String rawPath;
  final boolean contractApplies;
  final List<ColumnState> columns = new ArrayList<>();
  final Map<String, ColumnState> byName = new HashMap<>();

  /**
   * Lower-cased column name (DuckDB matches identifiers regardless of case) -> the raw path that
   * claimed it ({@code null}: not yet known).
   */
  final Map<String, String> claims = new HashMap<>();

  /** Fields given a suffixed column because their name collided, by raw path. */
  final Map<String, String> renamedFields = new LinkedHashMap<>();

  /**
   * The zone naive timestamps are read in when a column widens to {@code TIMESTAMPTZ}, for the
   * staging table's conversion of rows already staged.
   */
  final String naiveZone;

  final FieldNode rootNode = new FieldNode("", "");

  /** Incremented on every column added or widened, so staging knows to alter its table. */
  int version;

  Object[][] rows = new Object[4][];
  int rowCount;
  long rowsNormalized;

  /** The record number that last added this table to the record's touched tables. */
  long touchedBy = -1;

  NormalizedTable(
      String name, String parentName, String rawPath, boolean contractApplies, String naiveZone) {
    this.name = name;
    this.parentName = parentName;
    this.rawPath = rawPath;
    this.contractApplies = contractApplies;
    this.naiveZone = naiveZone;
  }

  NormalizedTable(String name, String parentName, String rawPath, boolean contractApplies) {
    this(name, parentName, rawPath, contractApplies, "UTC");
  }

  /** The zone in which the staging table reads naive timestamps that widen to TIMESTAMPTZ. */
  public String naiveZone() {
    return naiveZone;
  }

  static String claimKey(String columnName) {
    return columnName.toLowerCase(java.util.Locale.ROOT);
  }

  boolean isClaimed(String columnName) {
    return claims.containsKey(claimKey(columnName));
  }

  String claimOwner(String columnName) {
    return claims.get(claimKey(columnName));
  }

  void claim(String columnName, String owner) {
    claims.put(claimKey(columnName), owner);
  }

  public String name() {
    return name;
  }

  public String parentName() {
    return parentName;
  }

  public List<ColumnState> columns() {
    return columns;
  }

  public int version() {
    return version;
  }

  public Object[][] pendingRows() {
    return rows;
  }

  public int pendingRowCount() {
    return rowCount;
  }

  ColumnState addColumn(String columnName, DataType type, boolean nullable) {
    ColumnState c = new ColumnState(columnName, type, nullable, columns.size());
    columns.add(c);
    byName.put(columnName, c);
    version++;
    return c;
  }

  /** Starts a row of the current record; returns its slot. */
  int newRow() {
    if (rowCount == rows.length) {
      rows = Arrays.copyOf(rows, rows.length * 2);
    }
    Object[] row = rows[rowCount];
    int width = Math.max(columns.size(), 8);
    if (row == null || row.length < width) {
      row = new Object[width + 8];
      rows[rowCount] = row;
    } else {
      Arrays.fill(row, null);
    }
    return rowCount++;
  }

  void set(int slot, int index, Object value) {
    Object[] row = rows[slot];
    if (index >= row.length) {
      row = Arrays.copyOf(row, Math.max(index + 8, row.length * 2));
      rows[slot] = row;
    }
    row[index] = value;
  }

  Object get(int slot, int index) {
    Object[] row = rows[slot];
    return index < row.length ? row[index] : null;
  }

  void clearRows() {
    rowCount = 0;
  }

  public TableSchema schema() {
    List<Column> list = new ArrayList<>(columns.size());
    for (ColumnState c : columns) {
      list.add(c.toColumn());
    }
    return new TableSchema(name, parentName, list, renamedFields);
  }
}
