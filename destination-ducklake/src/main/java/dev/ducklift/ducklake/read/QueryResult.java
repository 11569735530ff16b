package dev.ducklift.ducklake.read;

import java.util.ArrayList;
import java.util.List;

/**
 * The fully read result of a query: column names, DuckDB column type names and rows of JDBC values.
 */
public record QueryResult(List<String> columns, List<String> types, List<List<Object>> rows) {

  public QueryResult {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = java.util.Collections.unmodifiableList(copy);
  }

  /** The single value of a one-row, one-column result. */
  public Object scalar() {
    if (rows.size() != 1 || columns.size() != 1) {
      throw new IllegalStateException(
          "Expected one row and one column, got " + rows.size() + " x " + columns.size());
    }
    return rows.get(0).get(0);
  }
}
