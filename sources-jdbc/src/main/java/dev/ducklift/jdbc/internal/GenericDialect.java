package dev.ducklift.jdbc.internal;

import dev.ducklift.core.schema.DataType;
import dev.ducklift.jdbc.spi.ColumnMapping;
import dev.ducklift.jdbc.spi.JdbcDialect;
import dev.ducklift.jdbc.spi.SourceColumn;
import dev.ducklift.jdbc.spi.TypeMapping;
import java.math.BigDecimal;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Any JDBC driver: types are mapped by their {@link java.sql.Types} code (plus {@code UUID} by
 * name), values read with the standard typed getters. No bulk export; streaming relies on the
 * driver honouring the fetch size.
 */
public final class GenericDialect implements JdbcDialect {

  private static final TypeMapping MAPPING = mapping();

  @Override
  public String name() {
    return "generic";
  }

  @Override
  public TypeMapping typeMapping() {
    return MAPPING;
  }

  private static TypeMapping mapping() {
    TypeMapping.Builder b = TypeMapping.builder("generic");
    b.name(
        c ->
            ColumnMapping.of(
                DataType.UUID,
                UUID.class,
                (rows, i) -> {
                  Object v = rows.getObject(i);
                  return v == null || v instanceof UUID ? v : UUID.fromString(v.toString());
                },
                UUID::fromString),
        "uuid");
    b.code(Types.BOOLEAN, "BOOLEAN", c -> bool());
    b.code(Types.BIT, "BIT", c -> bool());
    b.code(Types.TINYINT, "TINYINT", c -> smallint());
    b.code(Types.SMALLINT, "SMALLINT", c -> smallint());
    b.code(
        Types.INTEGER,
        "INTEGER",
        c -> ColumnMapping.of(DataType.INTEGER, Integer.class, Readers.INT, Integer::valueOf));
    b.code(
        Types.BIGINT,
        "BIGINT",
        c -> ColumnMapping.of(DataType.BIGINT, Long.class, Readers.LONG, Long::valueOf));
    b.code(
        Types.REAL,
        "REAL",
        c -> ColumnMapping.of(DataType.REAL, Float.class, Readers.FLOAT, Float::valueOf));
    b.code(Types.FLOAT, "FLOAT", c -> dbl());
    b.code(Types.DOUBLE, "DOUBLE", c -> dbl());
    b.code(Types.NUMERIC, "NUMERIC", GenericDialect::decimal);
    b.code(Types.DECIMAL, "DECIMAL", GenericDialect::decimal);
    for (int code :
        new int[] {
          Types.CHAR,
          Types.VARCHAR,
          Types.LONGVARCHAR,
          Types.NCHAR,
          Types.NVARCHAR,
          Types.LONGNVARCHAR,
          Types.CLOB,
          Types.NCLOB
        }) {
      b.code(code, "text type " + code, c -> text());
    }
    b.code(
        Types.DATE,
        "DATE",
        c -> ColumnMapping.of(DataType.DATE, LocalDate.class, Readers.DATE, LocalDate::parse));
    b.code(
        Types.TIME,
        "TIME",
        c -> ColumnMapping.of(DataType.TIME, LocalTime.class, Readers.TIME, LocalTime::parse));
    b.code(
        Types.TIMESTAMP,
        "TIMESTAMP",
        c ->
            ColumnMapping.of(
                DataType.TIMESTAMP, LocalDateTime.class, Readers.TIMESTAMP, LocalDateTime::parse));
    b.code(
        Types.TIMESTAMP_WITH_TIMEZONE,
        "TIMESTAMP_WITH_TIMEZONE",
        c ->
            ColumnMapping.of(
                DataType.TIMESTAMPTZ,
                OffsetDateTime.class,
                Readers.TIMESTAMPTZ,
                OffsetDateTime::parse));
    for (int code : new int[] {Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB}) {
      b.code(
          code,
          "binary type " + code,
          c -> ColumnMapping.of(DataType.BINARY, byte[].class, Readers.BYTES, null));
    }
    return b.build();
  }

  private static ColumnMapping bool() {
    return ColumnMapping.of(DataType.BOOLEAN, Boolean.class, Readers.BOOLEAN, Boolean::valueOf);
  }

  private static ColumnMapping smallint() {
    return ColumnMapping.of(DataType.SMALLINT, Integer.class, Readers.INT, Integer::valueOf);
  }

  private static ColumnMapping dbl() {
    return ColumnMapping.of(DataType.DOUBLE, Double.class, Readers.DOUBLE, Double::valueOf);
  }

  private static ColumnMapping text() {
    return ColumnMapping.of(DataType.TEXT, String.class, Readers.STRING, s -> s);
  }

  private static ColumnMapping decimal(SourceColumn c) {
    if (c.precision() >= 1 && c.precision() <= 38 && c.scale() >= 0 && c.scale() <= c.precision()) {
      return ColumnMapping.of(
          DataType.decimal(c.precision(), c.scale()),
          BigDecimal.class,
          Readers.DECIMAL,
          BigDecimal::new);
    }
    return ColumnMapping.of(
        DataType.TEXT,
        String.class,
        (rows, i) -> {
          BigDecimal v = rows.getBigDecimal(i);
          return v == null ? null : v.toPlainString();
        },
        s -> s);
  }
}
