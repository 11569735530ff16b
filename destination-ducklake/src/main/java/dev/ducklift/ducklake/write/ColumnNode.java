package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.LakeType;
import java.util.ArrayList;
import java.util.List;

/**
 * One column version of a table as {@code ducklake_column} stores it, with its nested children
 * (struct fields, the list {@code element}, the map {@code key} and {@code value}).
 */
public record ColumnNode(
    long id,
    String name,
    String typeName,
    boolean nullable,
    String initialDefault,
    String defaultValue,
    List<ColumnNode> children) {

  public ColumnNode {
    children = List.copyOf(children);
  }

  /** Whether this is a nested parent (list, struct or map). */
  public boolean isNested() {
    return typeName.equals("list") || typeName.equals("struct") || typeName.equals("map");
  }

  /** The type as a tree. */
  public LakeType type() {
    return switch (typeName) {
      case "list" -> LakeType.list(child("element").type());
      case "map" -> LakeType.map(child("key").type(), child("value").type());
      case "struct" ->
          LakeType.struct(
              children.stream().map(c -> new LakeType.Field(c.name, c.type())).toList());
      default -> LakeType.primitive(typeName);
    };
  }

  private ColumnNode child(String childName) {
    for (ColumnNode c : children) {
      if (c.name.equals(childName)) {
        return c;
      }
    }
    throw new DuckLakeException("Column " + name + " (" + typeName + ") has no child " + childName);
  }

  public ColumnNode withName(String newName) {
    return new ColumnNode(id, newName, typeName, nullable, initialDefault, defaultValue, children);
  }

  public ColumnNode withType(String newType) {
    return new ColumnNode(id, name, newType, nullable, initialDefault, defaultValue, children);
  }

  /**
   * Builds the nodes of a new column, assigning ids depth-first, parent before children, from
   * {@code nextId[0]} (advanced).
   */
  public static ColumnNode fromDefinition(ColumnDefinition def, long[] nextId, boolean added) {
    String init = added ? def.defaultValue() : null;
    return build(def.name(), def.type(), def.nullable(), init, def.defaultValue(), nextId);
  }

  private static ColumnNode build(
      String name, LakeType type, boolean nullable, String init, String dflt, long[] nextId) {
    long id = nextId[0]++;
    List<ColumnNode> kids = new ArrayList<>();
    if (type instanceof LakeType.ListType l) {
      kids.add(build("element", l.element(), true, null, null, nextId));
    } else if (type instanceof LakeType.StructType s) {
      for (LakeType.Field f : s.fields()) {
        kids.add(build(f.name(), f.type(), true, null, null, nextId));
      }
    } else if (type instanceof LakeType.MapType m) {
      kids.add(build("key", m.key(), true, null, null, nextId));
      kids.add(build("value", m.value(), true, null, null, nextId));
    }
    return new ColumnNode(id, name, type.ducklakeName(), nullable, init, dflt, kids);
  }

  /** This node and all descendants, parent first. */
  public List<ColumnNode> flatten() {
    List<ColumnNode> out = new ArrayList<>();
    collect(this, out);
    return out;
  }

  private static void collect(ColumnNode n, List<ColumnNode> out) {
    out.add(n);
    for (ColumnNode c : n.children) {
      collect(c, out);
    }
  }

  /** The {@code FIELD_IDS} entry value of this column for DuckDB's Parquet writer. */
  public String fieldIdSpec() {
    if (children.isEmpty()) {
      return Long.toString(id);
    }
    StringBuilder b = new StringBuilder("{__duckdb_field_id: ").append(id);
    for (ColumnNode c : children) {
      b.append(", ").append(structKey(c.name)).append(": ").append(c.fieldIdSpec());
    }
    return b.append('}').toString();
  }

  /** A struct literal key (a quoted string). */
  static String structKey(String key) {
    return "'" + key.replace("'", "''") + "'";
  }
}
