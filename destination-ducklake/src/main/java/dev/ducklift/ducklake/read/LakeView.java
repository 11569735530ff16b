package dev.ducklift.ducklake.read;

import java.util.List;

/**
 * A view visible at some snapshot.
 *
 * @param sql the view's query as stored; the official extension writes {@code {DUCKLAKE_CATALOG}}
 *     where the lake's own catalog name belongs
 * @param columnAliases the column names given to the view, empty when none
 */
public record LakeView(
    long id,
    String schemaName,
    String name,
    String dialect,
    String sql,
    List<String> columnAliases) {
  public LakeView {
    columnAliases = List.copyOf(columnAliases);
  }

  /** {@code schema.view}, for messages. */
  public String qualifiedName() {
    return schemaName + "." + name;
  }
}
