package dev.ducklift.jdbc.spi;

import dev.ducklift.core.schema.DataType;

/** The mapping of a column whose type a dialect does not know: its text form, with a warning. */
public final class TextFallback {
  private TextFallback() {}

  /** Reads {@code column} with {@link java.sql.ResultSet#getString} and declares it as text. */
  public static ColumnMapping of(SourceColumn column, JdbcDialect dialect) {
    return ColumnMapping.of(DataType.TEXT, String.class, (rows, i) -> rows.getString(i), s -> s)
        .withWarning(
            "Column '"
                + column.name()
                + "' has type '"
                + column.typeName()
                + "', which the "
                + dialect.name()
                + " dialect does not map; it is read as text");
  }
}
