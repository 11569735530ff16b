package dev.ducklift.ducklake.read;

/** Quoting of SQL identifiers and string literals (the same rules in DuckDB and PostgreSQL). */
public final class Sql {
  private Sql() {}

  /** A double-quoted identifier. */
  public static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A single-quoted string literal. */
  public static String literal(String value) {
    return value == null ? "NULL" : '\'' + value.replace("'", "''") + '\'';
  }

  /** A dotted qualifier (e.g. {@code meta.main}) as quoted identifiers, each part quoted. */
  public static String qualifier(String dotted) {
    StringBuilder sb = new StringBuilder();
    for (String part : dotted.split("\\.")) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(ident(part));
    }
    return sb.toString();
  }
}
