package dev.ducklift.ducklake.read;

import dev.ducklift.core.DuckliftException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The physical schema of a Parquet file as a tree, read from DuckDB's {@code parquet_schema}. Lists
 * and maps are reduced to their logical shape: a list node has one child (the element), a map node
 * two (key and value); the repeated middle groups are skipped.
 */
public record ParquetNode(
    String name, Integer fieldId, Kind kind, List<ParquetNode> children, String physicalType) {

  /** The logical shape of a node. */
  public enum Kind {
    PRIMITIVE,
    STRUCT,
    LIST,
    MAP
  }

  /** Field id of {@code _ducklake_internal_snapshot_id}. */
  public static final int SNAPSHOT_ID_FIELD = 2147483539;

  /** Field id of {@code _ducklake_internal_row_id}. */
  public static final int ROW_ID_FIELD = 2147483540;

  public ParquetNode {
    children = List.copyOf(children);
    physicalType = physicalType == null ? "" : physicalType;
  }

  /** A node without a recorded physical type (groups, or nodes built by hand). */
  public ParquetNode(String name, Integer fieldId, Kind kind, List<ParquetNode> children) {
    this(name, fieldId, kind, children, "");
  }

  /** Whether any node below the root carries a field id. */
  public boolean hasFieldIds() {
    for (ParquetNode child : children) {
      if (child.fieldId != null || child.hasFieldIds()) {
        return true;
      }
    }
    return false;
  }

  public ParquetNode childByFieldId(long id) {
    for (ParquetNode child : children) {
      if (child.fieldId != null && child.fieldId == id) {
        return child;
      }
    }
    return null;
  }

  public ParquetNode childByName(String childName) {
    for (ParquetNode child : children) {
      if (child.name.equals(childName)) {
        return child;
      }
    }
    return null;
  }

  /** A top-level column by field id, or else by the reserved name. */
  public ParquetNode internalColumn(int fieldIdValue, String columnName) {
    ParquetNode byId = childByFieldId(fieldIdValue);
    return byId != null ? byId : childByName(columnName);
  }

  /** A signature that is equal for files read the same way (names, ids and shapes). */
  public String signature() {
    StringBuilder sb = new StringBuilder();
    appendSignature(sb);
    return sb.toString();
  }

  private void appendSignature(StringBuilder sb) {
    sb.append(name.length()).append(':').append(name).append('#').append(fieldId).append(kind);
    // Files whose columns share names and ids but not physical types (a promoted column) must
    // not be read by one read_parquet call, which would cast all of them to the first file's type.
    sb.append('<').append(physicalType).append('>');
    sb.append('(');
    for (ParquetNode child : children) {
      child.appendSignature(sb);
    }
    sb.append(')');
  }

  /** Reads the schema of one file through a DuckDB connection. */
  public static ParquetNode read(Connection engine, String path) {
    List<Object[]> rows = new ArrayList<>();
    try (PreparedStatement ps =
        engine.prepareStatement(
            "SELECT name, field_id, num_children, converted_type, logical_type, repetition_type,"
                + " type, scale, precision FROM parquet_schema(?)")) {
      ps.setString(1, path);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Object fieldId = rs.getObject(2);
          Object numChildren = rs.getObject(3);
          rows.add(
              new Object[] {
                rs.getString(1),
                fieldId == null ? null : ((Number) fieldId).intValue(),
                numChildren == null ? 0 : ((Number) numChildren).intValue(),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7)
                    + "/"
                    + rs.getString(4)
                    + "/"
                    + rs.getString(5)
                    + "/"
                    + rs.getString(8)
                    + "/"
                    + rs.getString(9)
              });
        }
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot read the Parquet schema of '" + path + "': " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new DuckliftException("Parquet file '" + path + "' has no schema");
    }
    int[] cursor = {0};
    ParquetNode root = parse(rows, cursor, path);
    return new ParquetNode(root.name, null, Kind.STRUCT, root.children);
  }

  private static ParquetNode parse(List<Object[]> rows, int[] cursor, String path) {
    if (cursor[0] >= rows.size()) {
      throw new DuckliftException("Truncated Parquet schema in '" + path + "'");
    }
    Object[] row = rows.get(cursor[0]++);
    String name = (String) row[0];
    Integer fieldId = (Integer) row[1];
    int numChildren = (Integer) row[2];
    String converted = row[3] == null ? "" : ((String) row[3]).toUpperCase(Locale.ROOT);
    String logical = row[4] == null ? "" : (String) row[4];
    String repetition = row[5] == null ? "" : (String) row[5];
    if (numChildren == 0) {
      ParquetNode leaf = new ParquetNode(name, fieldId, Kind.PRIMITIVE, List.of(), (String) row[6]);
      if (repetition.equalsIgnoreCase("REPEATED")) {
        // A bare repeated leaf is a legacy two-level list of that leaf.
        return new ParquetNode(name, fieldId, Kind.LIST, List.of(leaf));
      }
      return leaf;
    }
    List<ParquetNode> children = new ArrayList<>(numChildren);
    for (int i = 0; i < numChildren; i++) {
      children.add(parse(rows, cursor, path));
    }
    boolean isList = converted.equals("LIST") || logical.startsWith("ListType");
    boolean isMap =
        converted.equals("MAP")
            || converted.equals("MAP_KEY_VALUE")
            || logical.startsWith("MapType");
    if (isList && children.size() == 1) {
      ParquetNode repeated = children.get(0);
      ParquetNode element =
          repeated.kind == Kind.STRUCT && repeated.children.size() == 1 && repeated.fieldId == null
              ? repeated.children.get(0)
              : repeated;
      return new ParquetNode(name, fieldId, Kind.LIST, List.of(element));
    }
    if (isMap && children.size() == 1 && children.get(0).children.size() == 2) {
      return new ParquetNode(name, fieldId, Kind.MAP, children.get(0).children);
    }
    return new ParquetNode(name, fieldId, Kind.STRUCT, children);
  }
}
