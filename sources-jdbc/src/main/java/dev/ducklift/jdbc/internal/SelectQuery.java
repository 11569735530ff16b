package dev.ducklift.jdbc.internal;

import dev.ducklift.core.CursorValue;
import dev.ducklift.jdbc.internal.ResolvedTable.MappedColumn;
import dev.ducklift.jdbc.spi.JdbcDialect;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code SELECT} in two forms: with bind parameters (for prepared statements) and with typed
 * literals (for {@code COPY}, which takes no parameters). Its shape is index-friendly: {@code WHERE
 * cursor > ? ORDER BY cursor}.
 */
final class SelectQuery {
  private final StringBuilder sql = new StringBuilder();
  private final StringBuilder literal;
  private final List<CursorValue> params = new ArrayList<>();
  private final JdbcDialect dialect;

  private SelectQuery(JdbcDialect dialect, boolean literals) {
    this.dialect = dialect;
    this.literal = literals ? new StringBuilder() : null;
  }

  String sql() {
    return sql.toString();
  }

  List<CursorValue> params() {
    return params;
  }

  /** The query with every parameter rendered as a literal; only for dialects that render them. */
  String literalSql() {
    return literal.toString();
  }

  private SelectQuery text(String s) {
    sql.append(s);
    if (literal != null) {
      literal.append(s);
    }
    return this;
  }

  private SelectQuery param(CursorValue v) {
    sql.append('?');
    params.add(v);
    if (literal != null) {
      literal.append(dialect.literal(v));
    }
    return this;
  }

  /** Rows of {@code table} within {@code window}, ordered by the cursor when {@code ordered}. */
  static SelectQuery rows(
      ResolvedTable table,
      JdbcDialect dialect,
      ReadWindow window,
      boolean ordered,
      boolean literals) {
    return rows(table, dialect, window, ordered, literals, null);
  }

  /**
   * Like {@link #rows(ResolvedTable, JdbcDialect, ReadWindow, boolean, boolean)}, selecting column
   * {@code i} as {@code ::text} where {@code asText[i]} (PostgreSQL casts).
   */
  static SelectQuery rows(
      ResolvedTable table,
      JdbcDialect dialect,
      ReadWindow window,
      boolean ordered,
      boolean literals,
      boolean[] asText) {
    SelectQuery q = new SelectQuery(dialect, literals);
    q.text("SELECT ");
    List<MappedColumn> columns = table.columns();
    for (int i = 0; i < columns.size(); i++) {
      q.text(i == 0 ? "" : ", ").text(dialect.quote(columns.get(i).name()));
      if (asText != null && asText[i]) {
        q.text("::text");
      }
    }
    q.text(" FROM ").text(table.from());
    q.where(table, window);
    if (ordered && table.incremental()) {
      q.text(" ORDER BY ").text(cursor(table, dialect));
      if (table.idIndex() >= 0) {
        q.text(", ").text(id(table, dialect));
      }
    }
    return q;
  }

  /** {@code SELECT min(expr), max(expr)} over {@code window}. */
  static SelectQuery minMax(
      ResolvedTable table, JdbcDialect dialect, String column, ReadWindow window) {
    SelectQuery q = new SelectQuery(dialect, false);
    String c = dialect.quote(column);
    q.text("SELECT min(").text(c).text("), max(").text(c).text(") FROM ").text(table.from());
    q.where(table, window);
    return q;
  }

  private void where(ResolvedTable table, ReadWindow w) {
    List<Runnable> conditions = new ArrayList<>();
    if (table.incremental()) {
      String c = cursor(table, dialect);
      conditions.add(() -> text(c).text(" IS NOT NULL"));
      if (table.idIndex() >= 0) {
        String id = id(table, dialect);
        conditions.add(() -> text(id).text(" IS NOT NULL"));
      }
      if (w.lower() != null) {
        if (w.lowerId() != null) {
          String id = id(table, dialect);
          conditions.add(
              () ->
                  text("(")
                      .text(c)
                      .text(" > ")
                      .param(w.lower())
                      .text(" OR (")
                      .text(c)
                      .text(" = ")
                      .param(w.lower())
                      .text(" AND ")
                      .text(id)
                      .text(" > ")
                      .param(w.lowerId())
                      .text("))"));
        } else {
          conditions.add(() -> text(c).text(w.lowerStrict() ? " > " : " >= ").param(w.lower()));
        }
      }
      if (w.ceiling() != null) {
        conditions.add(() -> text(c).text(" <= ").param(w.ceiling()));
      }
      if (w.end() != null) {
        conditions.add(() -> text(c).text(" < ").param(w.end()));
      }
      if (w.exact() != null) {
        conditions.add(() -> text(c).text(" = ").param(w.exact()));
      }
    }
    if (table.splitColumn() != null) {
      String s = dialect.quote(table.splitColumn().name());
      if (w.splitLower() != null) {
        conditions.add(() -> text(s).text(" >= ").param(w.splitLower()));
      }
      if (w.splitUpper() != null) {
        if (w.splitNulls()) {
          conditions.add(
              () ->
                  text("(")
                      .text(s)
                      .text(" < ")
                      .param(w.splitUpper())
                      .text(" OR ")
                      .text(s)
                      .text(" IS NULL)"));
        } else {
          conditions.add(() -> text(s).text(" < ").param(w.splitUpper()));
        }
      } else if (!w.splitNulls()) {
        conditions.add(() -> text(s).text(" IS NOT NULL"));
      }
    }
    for (int i = 0; i < conditions.size(); i++) {
      text(i == 0 ? " WHERE " : " AND ");
      conditions.get(i).run();
    }
  }

  private static String cursor(ResolvedTable table, JdbcDialect dialect) {
    return dialect.quote(table.columns().get(table.cursorIndex()).name());
  }

  private static String id(ResolvedTable table, JdbcDialect dialect) {
    return dialect.quote(table.columns().get(table.idIndex()).name());
  }
}
