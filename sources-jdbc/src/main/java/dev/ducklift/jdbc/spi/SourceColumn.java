package dev.ducklift.jdbc.spi;

import java.util.Objects;

/**
 * A column as the database describes it, through {@link java.sql.DatabaseMetaData#getColumns} for
 * tables or {@link java.sql.ResultSetMetaData} for custom queries.
 *
 * @param name the column name as the database spells it (also the record key)
 * @param jdbcType the {@link java.sql.Types} code
 * @param typeName the database's own type name ({@code int4}, {@code _text}, {@code timestamptz},
 *     an enum's type name)
 * @param precision the declared precision or length, {@code 0} when the database gives none
 * @param scale the declared scale, {@code 0} when the database gives none
 * @param nullable whether the column may hold nulls ({@code true} when unknown)
 */
public record SourceColumn(
    String name, int jdbcType, String typeName, int precision, int scale, boolean nullable) {
  public SourceColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(typeName, "typeName");
  }
}
