package dev.ducklift.ducklake.promote;

import static dev.ducklift.ducklake.promote.Sql.quote;

import dev.ducklift.core.MergeHints;
import dev.ducklift.core.MergeStrategy;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.StagedTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What a table's merge hints mean for the SQL of its promote: the hard-delete flag and its
 * condition, the columns that reach the lake, the order that picks one staged version of a key, and
 * the {@code scd2} version hash.
 */
final class MergeColumns {
  private static final Set<String> SYSTEM =
      Set.of(
          TableSchema.LOAD_ID, TableSchema.ROW_ID, TableSchema.PARENT_ID, TableSchema.LIST_INDEX);

  private MergeColumns() {}

  static boolean isScd2(StagedTable t) {
    return t.writeDisposition() == dev.ducklift.core.WriteDisposition.MERGE
        && t.merge().strategy() == MergeStrategy.SCD2;
  }

  /** The staged hard-delete column of a root table, or {@code null} (none declared or staged). */
  static String flag(StagedTable t) {
    String flag = t.merge().hardDelete();
    if (flag == null || t.schema().isChild() || t.schema().column(flag).isEmpty()) {
      return null;
    }
    return flag;
  }

  /** A condition over a staged row (optionally qualified by {@code alias}) that deletes its key. */
  static String deleted(StagedTable t, String alias) {
    String flag = flag(t);
    if (flag == null) {
      return "false";
    }
    String column = (alias == null ? "" : alias + ".") + quote(flag);
    return t.schema().column(flag).orElseThrow().type().kind() == DataType.Kind.BOOLEAN
        ? "COALESCE(" + column + ", false)"
        : "(" + column + " IS NOT NULL)";
  }

  /** The staged columns written to the lake: all but the hard-delete flag. */
  static List<String> lakeColumns(StagedTable t) {
    String flag = flag(t);
    return t.schema().columns().stream().map(Column::name).filter(c -> !c.equals(flag)).toList();
  }

  /** The table's schema in the lake: without the flag; {@code scd2} roots with their versions. */
  static TableSchema lakeSchema(StagedTable t) {
    String flag = flag(t);
    List<Column> columns = new ArrayList<>();
    for (Column c : t.schema().columns()) {
      if (!c.name().equals(flag)) {
        columns.add(c);
      }
    }
    if (isScd2(t) && !t.schema().isChild()) {
      columns.add(Column.of(MergeHints.VALID_FROM, DataType.TIMESTAMPTZ));
      columns.add(Column.of(MergeHints.VALID_TO, DataType.TIMESTAMPTZ));
      columns.add(Column.of(MergeHints.VERSION_HASH, DataType.TEXT));
    }
    return new TableSchema(t.schema().name(), t.schema().parentTable(), columns);
  }

  /**
   * The order in which the first staged row of a key wins: the {@code dedup_sort} columns, else the
   * cursor descending; then the last staged ({@code "__dl_ord"} is the staged position).
   */
  static String winnerOrder(StagedTable t) {
    StringBuilder order = new StringBuilder();
    if (!t.schema().isChild() && !t.merge().dedupSort().isEmpty()) {
      for (MergeHints.SortColumn s : t.merge().dedupSort()) {
        order
            .append(quote(s.column()))
            .append(s.descending() ? " DESC NULLS LAST, " : " ASC NULLS LAST, ");
      }
    } else if (t.cursorColumn() != null && t.schema().column(t.cursorColumn()).isPresent()) {
      order.append(quote(t.cursorColumn())).append(" DESC NULLS LAST, ");
    }
    return order.append("\"__dl_ord\" DESC").toString();
  }

  /**
   * A stable hash of a staged root row's data columns, as text: every non-null column that is not a
   * system column, the hard-delete flag or excluded, by name, with its value as JSON (instants as
   * microseconds, so the session time zone does not matter). A column that is NULL counts as
   * absent, so adding a column to the table does not make every row a new version.
   */
  static String versionHash(StagedTable t, String alias) {
    String flag = flag(t);
    List<Column> columns =
        t.schema().columns().stream()
            .filter(c -> !SYSTEM.contains(c.name()))
            .filter(c -> !c.name().equals(flag))
            .filter(c -> !t.merge().versionHashExclude().contains(c.name()))
            .sorted(Comparator.comparing(Column::name))
            .toList();
    if (columns.isEmpty()) {
      return "md5('')";
    }
    List<String> parts = new ArrayList<>();
    for (Column c : columns) {
      String ref = (alias == null ? "" : alias + ".") + quote(c.name());
      String value =
          switch (c.type().kind()) {
            case TIMESTAMPTZ -> "CAST(epoch_us(" + ref + ") AS VARCHAR)";
            default -> "CAST(to_json(" + ref + ") AS VARCHAR)";
          };
      parts.add(
          "CASE WHEN "
              + ref
              + " IS NULL THEN NULL ELSE "
              + Sql.literal(c.name())
              + " || chr(31) || "
              + value
              + " END");
    }
    return "md5(concat_ws(chr(30), " + String.join(", ", parts) + "))";
  }
}
