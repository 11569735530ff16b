package dev.ducklift.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Normalization;
import dev.ducklift.core.PartitionField;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.SchemaContract;
import dev.ducklift.core.internal.NormalizedTable.ColumnState;
import dev.ducklift.core.internal.NormalizedTable.FieldNode;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.EpochValues;
import dev.ducklift.core.schema.TypeWidening;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Turns records into rows of typed columns: nested objects flatten into {@code parent__child}
 * columns, arrays become child tables {@code <table>__<field>} linked by {@code _dl_id} / {@code
 * _dl_parent_id} / {@code _dl_list_idx}, names become snake_case, types are inferred and widened,
 * and the schema evolves according to the resource's {@link SchemaContract}.
 *
 * <p>Type rules. Inference: booleans; integral numbers {@code BIGINT} (a {@code BigInteger} beyond
 * 64 bits {@code DECIMAL(38,0)}, beyond 38 digits {@code DOUBLE}); floats {@code DOUBLE}; a {@code
 * BigDecimal} a decimal sized to it (its scale, at least 18 digits before the point, {@code DOUBLE}
 * past 38 digits); strings in ISO-8601 form {@code TIMESTAMPTZ} (with an offset), {@code TIMESTAMP}
 * (without) or {@code DATE}, other strings {@code TEXT}; Java time values their SQL types; {@code
 * UUID}; {@code byte[]} {@code BINARY}; a {@code Duration} its ISO-8601 text; objects and arrays
 * beyond the nesting depth {@code JSON}. A value is coerced into an existing column when it fits (a
 * number into a text column, an ISO string into a timestamp column, {@code "42"} into a bigint
 * column, a date into a timestamp column as midnight, a naive timestamp into a {@code TIMESTAMPTZ}
 * column in the resource's zone for naive timestamps). Otherwise the column widens to DuckDB's
 * maximum type of both when there is one ({@link TypeWidening}); a number that no decimal can hold
 * makes the column {@code DOUBLE}, so numbers never need text.
 *
 * <p>A value that can neither fit nor widen is governed by the contract. Under {@code evolve} it
 * goes to a <em>variant column</em> {@code <column>__v_<type>} typed after the value (for example
 * {@code price__v_text}), so existing typed data never changes. Contracts apply to tables that
 * already have a schema (from an earlier load, or declared column hints on the root table under
 * {@code freeze}); a table's first load establishes its schema. {@code freeze} fails on any new
 * column, widening or conflict; {@code discard_row} drops the record; {@code discard_value} drops
 * the value (and values of new columns).
 *
 * <p>Not thread-safe: one normalizer per load.
 */
public final class Normalizer {

  /** Receives the rows of each normalized record, per table, parents before children. */
  @FunctionalInterface
  public interface RowSink {
    void append(NormalizedTable table, Object[][] rows, int count);
  }

  /**
   * Marks a raw path in a table's renamed fields as an array's child table (a field's own column is
   * stored under the bare path).
   */
  static final String ARRAY_MARK = "[]";

  private static final int NOTED_TZ_NAIVE = 1;
  private static final int NOTED_TZ_DATE = 2;
  private static final int NOTED_DATE = 4;
  private static final int NOTED_ALL = 7;

  private static final String SYSTEM = "<system column>";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Normalizer.class);
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final ResourceSpec spec;
  private final String loadId;
  private final RowSink sink;
  private final SchemaContract contract;
  private final int maxDepth;
  private final Normalization options;
  private final Naming naming;
  private final ZoneId naiveZone;
  private final boolean naiveUtc;
  private final String naiveZoneName;
  private final ColumnTypes types;
  private final RowIds ids = new RowIds();
  private final NormalizedTable root;
  private final Map<String, NormalizedTable> tables = new LinkedHashMap<>();
  private final Map<String, String> tableClaims = new HashMap<>();
  private final Map<String, TableSchema> previous = new HashMap<>();
  private final List<String> schemaChanges = new ArrayList<>();
  private final int[] primaryKeyIndexes;
  private final String[] primaryKeyNames;
  private final List<ColumnState> requiredColumns = new ArrayList<>();

  private final List<NormalizedTable> touched = new ArrayList<>();
  private final List<Object> deferredArrays = new ArrayList<>();
  private boolean discardRecord;
  private long position;
  private long recordNumber;
  private long rowsDiscarded;
  private String currentPage = "";
  private int currentIndex;

  /**
   * @param previousSchemas the schemas of this resource's tables as of the last finished load
   *     (empty on a first load)
   */
  public Normalizer(
      ResourceSpec spec, String loadId, Collection<TableSchema> previousSchemas, RowSink sink) {
    this.spec = spec;
    this.loadId = loadId;
    this.sink = sink;
    this.contract = spec.schemaContract();
    this.maxDepth = spec.maxNestingDepth();
    this.options = spec.normalization();
    this.naming = new Naming(options.naming());
    this.naiveZone = options.naiveTimestamps();
    this.naiveUtc = naiveZone != null && naiveZone.normalized().equals(ZoneOffset.UTC);
    this.naiveZoneName = zoneForSql(naiveZone);
    this.types = new ColumnTypes(naiveZone);
    for (TableSchema s : previousSchemas) {
      previous.put(s.name(), s);
    }
    String rootName = Naming.shorten(naming.normalize(spec.tableName()));
    TableSchema before = previous.get(rootName);
    boolean hinted = spec.columns().values().stream().anyMatch(h -> h.type() != null);
    this.root =
        new NormalizedTable(
            rootName,
            null,
            "",
            before != null || (hinted && contract == SchemaContract.FREEZE),
            naiveZoneName);
    tableClaims.put(NormalizedTable.claimKey(rootName), "");
    tables.put(rootName, root);
    claimSystem(root, TableSchema.LOAD_ID, DataType.TEXT);
    claimSystem(root, TableSchema.ROW_ID, DataType.UUID);
    seed(root, before);
    for (ColumnHint hint : spec.columns().values()) {
      String name = hint.name();
      ColumnState existing = root.byName.get(name);
      if (hint.type() != null) {
        DataType.Kind kind = hint.type().kind();
        if (kind == DataType.Kind.INTERVAL || kind == DataType.Kind.LIST) {
          throw new DuckliftException(
              "Resource '"
                  + spec.name()
                  + "': column hint '"
                  + name
                  + "' declares "
                  + kind
                  + ", which staging does not support; declare TEXT or JSON instead");
        }
        if (existing == null) {
          root.claim(name, null);
          existing = root.addColumn(name, hint.type(), hint.nullable());
        }
      }
      if (!hint.nullable() && existing != null) {
        requiredColumns.add(existing);
      }
    }
    List<String> pk = spec.primaryKey();
    primaryKeyNames = new String[pk.size()];
    primaryKeyIndexes = new int[pk.size()];
    for (int i = 0; i < pk.size(); i++) {
      // Keys may be given as source names or paths ("userId", "user.id"): use their columns.
      primaryKeyNames[i] = columnOfPath(pk.get(i));
      primaryKeyIndexes[i] = -1;
    }
    // Child tables known from earlier loads are staged (empty) too, so a replace ends their rows.
    for (TableSchema s : previousSchemas) {
      if (s.isChild() && !tables.containsKey(s.name())) {
        NormalizedTable child =
            new NormalizedTable(s.name(), s.parentTable(), null, true, naiveZoneName);
        claimChildSystemColumns(child);
        seed(child, s);
        tables.put(s.name(), child);
        tableClaims.put(NormalizedTable.claimKey(s.name()), null);
      }
    }
  }

  private void seed(NormalizedTable table, TableSchema schema) {
    if (schema == null) {
      return;
    }
    for (Column c : schema.columns()) {
      if (!table.byName.containsKey(c.name())) {
        table.claim(c.name(), null);
        table.addColumn(c.name(), c.type(), c.nullable());
      }
    }
    schema
        .renamedFields()
        .forEach(
            (path, column) -> {
              table.renamedFields.put(path, column);
              if (!path.endsWith(ARRAY_MARK)) {
                table.claim(column, path);
              }
            });
    table.version = 0;
  }

  private void claimSystem(NormalizedTable table, String name, DataType type) {
    table.claim(name, SYSTEM);
    table.addColumn(name, type, false);
  }

  private void claimChildSystemColumns(NormalizedTable child) {
    claimSystem(child, TableSchema.ROW_ID, DataType.UUID);
    claimSystem(child, TableSchema.PARENT_ID, DataType.UUID);
    claimSystem(child, TableSchema.LIST_INDEX, DataType.BIGINT);
  }

  /**
   * The zone as the staging database names it: {@code UTC}, a region id, or a fixed offset as
   * {@code Etc/GMT} zones name it (their sign is inverted: {@code +02:00} is {@code Etc/GMT-2}).
   */
  private static String zoneForSql(ZoneId zone) {
    if (zone == null) {
      return "UTC";
    }
    ZoneId normalized = zone.normalized();
    if (!(normalized instanceof ZoneOffset offset)) {
      return zone.getId();
    }
    int seconds = offset.getTotalSeconds();
    if (seconds == 0) {
      return "UTC";
    }
    if (seconds % 3600 != 0) {
      throw new DuckliftException(
          "naive_timestamps: the fixed offset "
              + offset
              + " is not a whole hour; give a zone id such as Asia/Kolkata instead");
    }
    int hours = seconds / 3600;
    return "Etc/GMT" + (hours > 0 ? "-" + hours : "+" + -hours);
  }

  /** The normalized primary key columns of the root table. */
  public List<String> primaryKeyColumns() {
    return List.of(primaryKeyNames);
  }

  /**
   * The root table's partition keys with their columns named as the table's columns (keys may be
   * given as source names or paths, as primary keys).
   */
  public List<PartitionField> partitionFields() {
    List<PartitionField> out = new ArrayList<>();
    for (PartitionField f : spec.partitionBy()) {
      out.add(f.withColumn(columnOfPath(f.column())));
    }
    return out;
  }

  /** The root table's name. */
  public String rootTable() {
    return root.name;
  }

  /** All tables of this load, parents before children. */
  public List<NormalizedTable> tables() {
    return new ArrayList<>(tables.values());
  }

  /** Schema changes made so far in this load, in order. */
  public List<String> schemaChanges() {
    return schemaChanges;
  }

  /** Records dropped by {@code discard_row}. */
  public long rowsDiscarded() {
    return rowsDiscarded;
  }

  /** The normalized column of a dotted cursor path ({@code meta.modified -> meta__modified}). */
  public String columnOfPath(String dottedPath) {
    String result = "";
    for (String part : dottedPath.split("\\.")) {
      result = Naming.join(result, naming.normalize(part));
    }
    return result;
  }

  /**
   * Normalizes one record and hands its rows to the sink.
   *
   * @param page the page's description, for errors
   * @param index the record's index in its page, for errors
   * @return {@code false} when the schema contract discarded the record
   * @throws DuckliftException naming the resource, table, column, page and record
   */
  public boolean normalize(Map<String, Object> record, String page, int index) {
    currentPage = page;
    currentIndex = index;
    recordNumber++;
    discardRecord = false;
    touched.clear();
    deferredArrays.clear();
    try {
      int slot = root.newRow();
      touched.add(root);
      root.set(slot, 0, loadId);
      flattenObject(root, slot, root.rootNode, record, 0);
      if (discardRecord) {
        return discard();
      }
      root.set(slot, 1, rootId(slot, record));
      for (int i = 0; i < deferredArrays.size(); i += 3) {
        FieldNode node = (FieldNode) deferredArrays.get(i);
        Object list = deferredArrays.get(i + 1);
        int level = (Integer) deferredArrays.get(i + 2);
        emitChildRows(root, node, (UUID) root.get(slot, 1), list, level);
        if (discardRecord) {
          return discard();
        }
      }
      for (ColumnState required : requiredColumns) {
        if (root.get(slot, required.index) == null) {
          if (contract == SchemaContract.DISCARD_ROW) {
            return discard();
          }
          throw error(root, required.name, "is declared not nullable but is missing", record);
        }
      }
      position++;
      for (NormalizedTable t : touched) {
        if (t.rowCount > 0) {
          t.rowsNormalized += t.rowCount;
          sink.append(t, t.rows, t.rowCount);
        }
        t.clearRows();
      }
      return true;
    } catch (RuntimeException e) {
      for (NormalizedTable t : touched) {
        t.clearRows();
      }
      throw e;
    }
  }

  private boolean discard() {
    for (NormalizedTable t : touched) {
      t.clearRows();
    }
    rowsDiscarded++;
    return false;
  }

  private UUID rootId(int slot, Map<String, Object> record) {
    ids.begin();
    if (primaryKeyNames.length == 0) {
      return ids.add(loadId).add(position).finish();
    }
    ids.add(root.name);
    for (int i = 0; i < primaryKeyNames.length; i++) {
      if (primaryKeyIndexes[i] < 0) {
        ColumnState c = root.byName.get(primaryKeyNames[i]);
        if (c == null) {
          throw error(root, primaryKeyNames[i], "is a primary key column but is missing", record);
        }
        primaryKeyIndexes[i] = c.index;
      }
      Object v = root.get(slot, primaryKeyIndexes[i]);
      if (v == null) {
        throw error(root, primaryKeyNames[i], "is a primary key column but is null", record);
      }
      if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
        ids.add(((Number) v).longValue());
      } else {
        ids.add(keyText(v));
      }
    }
    return ids.finish();
  }

  private static String keyText(Object canonical) {
    if (canonical instanceof BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    return canonical.toString();
  }

  // ---- flattening ---------------------------------------------------------------------------

  private void flattenObject(
      NormalizedTable table, int slot, FieldNode parent, Object object, int level) {
    if (object instanceof Map<?, ?> map) {
      int position = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object key = e.getKey();
        if (!(key instanceof String k)) {
          throw error(table, parent.columnName, "has a non-string key " + key, object);
        }
        FieldNode node = parent.childAt(position, k);
        if (node == null) {
          node = parent.child(k);
          if (node == null) {
            node = newField(table, parent, k);
          }
          parent.remember(position, k, node);
        }
        position++;
        handleValue(table, slot, node, e.getValue(), level);
        if (discardRecord) {
          return;
        }
      }
    } else {
      Iterator<Map.Entry<String, JsonNode>> it = ((JsonNode) object).fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        FieldNode node = parent.child(e.getKey());
        if (node == null) {
          node = newField(table, parent, e.getKey());
        }
        handleValue(table, slot, node, e.getValue(), level);
        if (discardRecord) {
          return;
        }
      }
    }
  }

  private FieldNode newField(NormalizedTable table, FieldNode parent, String key) {
    String rawPath = parent.rawPath.isEmpty() ? key : parent.rawPath + "." + key;
    String columnName = table.renamedFields.get(rawPath);
    if (columnName == null) {
      columnName = claim(table, Naming.join(parent.columnName, naming.normalize(key)), rawPath);
    }
    FieldNode node = new FieldNode(rawPath, columnName);
    parent.putChild(key, node);
    return node;
  }

  /**
   * Claims {@code columnName} for the field at {@code rawPath}; returns the column the field gets:
   * the name itself, or when another field of the table already claimed it (fields {@code
   * "weird_key"} and {@code "Weird Key!"}), the name with a suffix made of a short hash of the
   * field's raw path, remembered in the table's schema so later loads use it whatever the order.
   */
  private String claim(NormalizedTable table, String columnName, String rawPath) {
    String owner = table.claimOwner(columnName);
    if (owner == null || owner.equals(rawPath)) {
      table.claim(columnName, rawPath);
      return columnName;
    }
    if (contract == SchemaContract.FREEZE) {
      throw new DuckliftException(
          "Resource '"
              + spec.name()
              + "', table '"
              + table.name
              + "': fields '"
              + rawPath
              + "' and '"
              + owner
              + "' both normalize to the column name '"
              + columnName
              + "', and the freeze contract does not let the later one get a column of its own;"
              + " use the evolve contract (it gets a suffixed column) or naming: direct");
    }
    String hash = RowIds.shortHash(rawPath);
    String renamed = Naming.shorten(columnName + "_" + hash);
    for (int attempt = 2; table.isClaimed(renamed); attempt++) {
      renamed = Naming.shorten(columnName + "_" + hash + "_" + attempt);
    }
    table.claim(renamed, rawPath);
    table.renamedFields.put(rawPath, renamed);
    LOG.warn(
        "Resource '{}', table '{}': fields '{}' and '{}' both normalize to the column name '{}';"
            + " '{}' goes to the column '{}'",
        spec.name(),
        table.name,
        owner,
        rawPath,
        columnName,
        rawPath,
        renamed);
    schemaChanges.add(
        "renamed field "
            + table.name
            + "."
            + rawPath
            + " to column "
            + renamed
            + " (field '"
            + owner
            + "' has the column "
            + columnName
            + ")");
    return renamed;
  }

  private void handleValue(
      NormalizedTable table, int slot, FieldNode node, Object value, int level) {
    if (value instanceof JsonNode json) {
      if (json.isObject() || json.isArray()) {
        value = json;
      } else {
        value = scalarOf(json);
      }
    }
    if (value == null) {
      return;
    }
    if (value instanceof Map<?, ?> || value instanceof JsonNode) {
      boolean isArray = value instanceof JsonNode j && j.isArray();
      if (!isArray) {
        if (level + 1 <= maxDepth) {
          flattenObject(table, slot, node, value, level + 1);
        } else {
          putScalar(table, slot, node, value);
        }
        return;
      }
    }
    if (value instanceof List<?> || value instanceof JsonNode || value instanceof Object[]) {
      if (isEmptyArray(value)) {
        // kept as [] where the resource declares a JSON column (a database array, a document)
        if (table == root && declaredJson(node.columnName)) {
          putScalar(table, slot, node, value);
        }
        return;
      }
      if (level + 1 <= maxDepth) {
        if (table == root) {
          deferredArrays.add(node);
          deferredArrays.add(value);
          deferredArrays.add(level + 1);
        } else {
          emitChildRows(table, node, (UUID) table.get(slot, 0), value, level + 1);
        }
      } else {
        putScalar(table, slot, node, value);
      }
      return;
    }
    putScalar(table, slot, node, value);
  }

  private boolean declaredJson(String column) {
    ColumnHint hint = spec.columns().get(column);
    return hint != null && hint.type() != null && hint.type().kind() == DataType.Kind.JSON;
  }

  private static boolean isEmptyArray(Object value) {
    if (value instanceof List<?> l) {
      return l.isEmpty();
    }
    if (value instanceof Object[] a) {
      return a.length == 0;
    }
    return ((JsonNode) value).isEmpty();
  }

  private void emitChildRows(
      NormalizedTable parent, FieldNode node, UUID parentId, Object array, int level) {
    NormalizedTable child = node.childTable;
    if (child == null) {
      String name =
          parent.renamedFields.getOrDefault(
              childRawPath(parent, node) + ARRAY_MARK, Naming.join(parent.name, node.columnName));
      if (!tables.containsKey(name)
          && parent.contractApplies
          && contract != SchemaContract.EVOLVE) {
        if (contract == SchemaContract.FREEZE) {
          throw error(
              parent,
              node.columnName,
              "would create the child table '" + name + "' under the freeze contract",
              array);
        }
        if (contract == SchemaContract.DISCARD_ROW) {
          discardRecord = true;
        }
        return;
      }
      child = childTable(parent, node);
      node.childTable = child;
    }
    if (child.touchedBy != recordNumber) {
      child.touchedBy = recordNumber;
      touched.add(child);
    }
    int index = 0;
    if (array instanceof List<?> list) {
      for (Object element : list) {
        emitChildRow(child, parentId, element, index++, level);
        if (discardRecord) {
          return;
        }
      }
    } else if (array instanceof Object[] items) {
      for (Object element : items) {
        emitChildRow(child, parentId, element, index++, level);
        if (discardRecord) {
          return;
        }
      }
    } else {
      for (JsonNode element : (JsonNode) array) {
        emitChildRow(child, parentId, element, index++, level);
        if (discardRecord) {
          return;
        }
      }
    }
  }

  private void emitChildRow(
      NormalizedTable child, UUID parentId, Object element, int index, int level) {
    int slot = child.newRow();
    child.set(slot, 0, ids.begin().add(parentId).add(child.name).add(index).finish());
    child.set(slot, 1, parentId);
    child.set(slot, 2, (long) index);
    boolean isObject =
        element instanceof Map<?, ?> || (element instanceof JsonNode j && j.isObject());
    if (isObject) {
      flattenObject(child, slot, child.rootNode, element, level);
    } else {
      FieldNode valueNode = child.rootNode.child("value");
      if (valueNode == null) {
        valueNode = newField(child, child.rootNode, "value");
      }
      handleValue(child, slot, valueNode, element, level);
    }
  }

  private static String childRawPath(NormalizedTable parent, FieldNode node) {
    return parent.rawPath == null || parent.rawPath.isEmpty()
        ? node.rawPath
        : parent.rawPath + "[]." + node.rawPath;
  }

  /**
   * The child table of an array field. Two arrays can still meet at one table name when the same
   * field is an object in some records and an array in others ({@code a.b} and {@code a[].b} both
   * make {@code <table>__a__b}); the later one then gets a suffixed table, remembered in the parent
   * table's schema under its raw path and {@link #ARRAY_MARK}.
   */
  private NormalizedTable childTable(NormalizedTable parent, FieldNode node) {
    String rawPath = childRawPath(parent, node);
    String name = parent.renamedFields.get(rawPath + ARRAY_MARK);
    if (name == null) {
      name = Naming.join(parent.name, node.columnName);
      String owner = tableClaims.get(NormalizedTable.claimKey(name));
      if (owner != null && !owner.equals(rawPath)) {
        if (contract == SchemaContract.FREEZE) {
          throw new DuckliftException(
              "Resource '"
                  + spec.name()
                  + "': arrays '"
                  + rawPath
                  + "' and '"
                  + owner
                  + "' both normalize to the child table name '"
                  + name
                  + "', and the freeze contract does not let the later one get a table of its own");
        }
        String hash = RowIds.shortHash(rawPath);
        String renamed = Naming.shorten(name + "_" + hash);
        for (int attempt = 2;
            tableClaims.containsKey(NormalizedTable.claimKey(renamed));
            attempt++) {
          renamed = Naming.shorten(name + "_" + hash + "_" + attempt);
        }
        parent.renamedFields.put(rawPath + ARRAY_MARK, renamed);
        LOG.warn(
            "Resource '{}': arrays '{}' and '{}' both normalize to the child table name '{}'; '{}'"
                + " goes to the table '{}'",
            spec.name(),
            owner,
            rawPath,
            name,
            rawPath,
            renamed);
        schemaChanges.add(
            "renamed array "
                + parent.name
                + "."
                + rawPath
                + " to child table "
                + renamed
                + " (array '"
                + owner
                + "' has the table "
                + name
                + ")");
        name = renamed;
      }
    }
    tableClaims.put(NormalizedTable.claimKey(name), rawPath);
    NormalizedTable existing = tables.get(name);
    if (existing != null) {
      return existing;
    }
    TableSchema before = previous.get(name);
    NormalizedTable child =
        new NormalizedTable(name, parent.name, rawPath, before != null, naiveZoneName);
    claimChildSystemColumns(child);
    seed(child, before);
    tables.put(name, child);
    schemaChanges.add("added table " + name);
    return child;
  }

  // ---- scalars ------------------------------------------------------------------------------

  private void putScalar(NormalizedTable table, int slot, FieldNode node, Object value) {
    ColumnState column = node.column;
    if (column == null) {
      column = table.byName.get(node.columnName);
      if (column == null) {
        DataType inferred = infer(table, node, value);
        if (table.contractApplies && contract != SchemaContract.EVOLVE) {
          if (contract == SchemaContract.FREEZE) {
            throw error(
                table,
                node.columnName,
                "is a new column (" + inferred + ") under the freeze contract",
                value);
          }
          if (contract == SchemaContract.DISCARD_ROW) {
            discardRecord = true;
          }
          return;
        }
        column = table.addColumn(node.columnName, inferred, true);
        schemaChanges.add("added column " + table.name + "." + column.name + " " + inferred);
      }
      node.column = column;
    }
    Object canonical = types.coerce(value, column.type);
    if (canonical != ColumnTypes.NO_FIT) {
      table.set(slot, column.index, canonical);
      if (column.noted != NOTED_ALL && ColumnTypes.isTemporal(column.type)) {
        noteNaive(table, column, value);
      }
      return;
    }
    DataType inferred = infer(table, node, value);
    DataType widened = types.widen(column.type, inferred, value);
    if (widened != null) {
      if (!allowChange(
          table, column.name, "cannot widen from " + column.type + " to " + widened, value)) {
        return;
      }
      schemaChanges.add(
          "widened column "
              + table.name
              + "."
              + column.name
              + " "
              + column.type
              + " -> "
              + widened);
      DataType before = column.type;
      column.type = widened;
      table.version++;
      table.set(slot, column.index, types.coerce(value, widened));
      if (widened.kind() == DataType.Kind.TIMESTAMPTZ) {
        // the rows staged so far held naive timestamps or dates
        note(table, column, before.kind() == DataType.Kind.DATE ? NOTED_TZ_DATE : NOTED_TZ_NAIVE);
      }
      if (column.noted != NOTED_ALL && ColumnTypes.isTemporal(widened)) {
        noteNaive(table, column, value);
      }
      return;
    }
    if (!allowChange(
        table, column.name, "holds " + column.type + " but got a " + inferred + " value", value)) {
      return;
    }
    putVariant(table, slot, node, column, inferred, value);
  }

  private void putVariant(
      NormalizedTable table,
      int slot,
      FieldNode node,
      ColumnState column,
      DataType inferred,
      Object value) {
    String kind = inferred.kind().name().toLowerCase(Locale.ROOT);
    String owner = "<" + kind + " variant of " + node.rawPath + ">";
    String name =
        table.renamedFields.getOrDefault(owner, Naming.shorten(column.name + "__v_" + kind));
    ColumnState variant = table.byName.get(name);
    String claimedBy = table.claimOwner(name);
    if (variant == null || (claimedBy != null && !claimedBy.equals(owner))) {
      name = claim(table, name, owner);
      variant = table.byName.get(name);
      if (variant == null) {
        variant = table.addColumn(name, inferred, true);
        schemaChanges.add("added variant column " + table.name + "." + name + " " + inferred);
      }
    }
    Object canonical = types.coerce(value, variant.type);
    if (canonical == ColumnTypes.NO_FIT) {
      canonical = types.coerce(value, DataType.TEXT);
      if (canonical == ColumnTypes.NO_FIT) {
        canonical = types.coerce(value, DataType.JSON);
      }
    }
    table.set(slot, variant.index, canonical);
  }

  private boolean allowChange(NormalizedTable table, String column, String problem, Object value) {
    if (!table.contractApplies || contract == SchemaContract.EVOLVE) {
      return true;
    }
    switch (contract) {
      case FREEZE -> throw error(table, column, problem + " under the freeze contract", value);
      case DISCARD_ROW -> discardRecord = true;
      default -> {}
    }
    return false;
  }

  /**
   * Reports, once per column and load, that naive timestamps are read in the configured zone (in a
   * {@code TIMESTAMPTZ} column) or dates as midnight (in a timestamp column).
   */
  private void noteNaive(NormalizedTable table, ColumnState column, Object value) {
    DataType.Kind kind = column.type.kind();
    boolean date =
        value instanceof LocalDate
            || (value instanceof String && types.lastTemporalKind() == IsoTemporal.Kind.DATE);
    boolean naive =
        value instanceof LocalDateTime
            || (value instanceof String && types.lastTemporalKind() == IsoTemporal.Kind.TIMESTAMP);
    if (kind == DataType.Kind.TIMESTAMPTZ && (naive || date)) {
      note(table, column, date ? NOTED_TZ_DATE : NOTED_TZ_NAIVE);
    } else if (kind == DataType.Kind.TIMESTAMP && date) {
      note(table, column, NOTED_DATE);
    }
  }

  private void note(NormalizedTable table, ColumnState column, int decision) {
    if ((column.noted & decision) != 0) {
      return;
    }
    column.noted |= decision;
    String zone = naiveUtc ? "UTC" : naiveZone.getId();
    String text =
        switch (decision) {
          case NOTED_TZ_NAIVE -> "naive timestamps read as " + zone;
          case NOTED_TZ_DATE -> "dates read as midnight in " + zone;
          default -> "dates read as midnight";
        };
    schemaChanges.add("column " + table.name + "." + column.name + ": " + text);
  }

  /** The type of a value on its own; fails naming the column for an unsupported value. */
  private DataType infer(NormalizedTable table, FieldNode node, Object value) {
    DataType type = types.infer(value);
    if (type == null) {
      throw error(
          table,
          node.columnName,
          "holds a value of unsupported type " + value.getClass().getName(),
          null);
    }
    return type;
  }

  static Object scalarOf(JsonNode node) {
    return dev.ducklift.core.JsonValues.scalar(node);
  }

  // ---- errors -------------------------------------------------------------------------------

  private DuckliftException error(
      NormalizedTable table, String column, String problem, Object value) {
    return new DuckliftException(
        "Resource '"
            + spec.name()
            + "', table '"
            + table.name
            + "', column '"
            + column
            + "' "
            + problem
            + " (record "
            + currentIndex
            + " of "
            + currentPage
            + (value == null ? "" : "; value " + excerpt(value))
            + ")");
  }

  /** A short JSON excerpt of a value, for error messages. */
  public static String excerpt(Object value) {
    String text;
    try {
      text = value instanceof JsonNode j ? j.toString() : JSON.writeValueAsString(value);
    } catch (JsonProcessingException | RuntimeException e) {
      text = String.valueOf(value);
    }
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
