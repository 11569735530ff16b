package dev.ducklift.jdbc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.jdbc.spi.ColumnMapping;
import dev.ducklift.jdbc.spi.JdbcDialect;
import dev.ducklift.jdbc.spi.SourceColumn;
import dev.ducklift.jdbc.spi.TextDecoder;
import dev.ducklift.jdbc.spi.TextFallback;
import dev.ducklift.jdbc.spi.TypeMapping;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * PostgreSQL: an explicit mapping of the built-in types, enums and one-dimensional arrays, a
 * server-side cursor for streaming, and {@code COPY (SELECT ...) TO STDOUT} as a bulk text export.
 *
 * <p>Numeric: {@code numeric(p,s)} with {@code p <= 38} is {@code decimal(p,s)}; a wider or
 * unconstrained {@code numeric} is text holding the exact value ({@code NaN} and the infinities
 * included), because any fixed decimal type could lose digits; declare a {@code decimal(p,s)} type
 * for such a column to have every value checked to fit it exactly. Intervals are text in ISO-8601
 * form ({@code P1Y2M3DT4H5M6.5S}): PostgreSQL keeps months, days and microseconds apart, which a
 * {@link java.time.Duration} cannot. Timestamps with time zone keep their instant, given in UTC,
 * with microsecond precision.
 */
public final class PostgresDialect implements JdbcDialect {

  private static final TypeMapping MAPPING = mapping();

  /** Enum type names by database URL, read once per source. */
  private final ConcurrentHashMap<String, Set<String>> enums = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public TypeMapping typeMapping() {
    return MAPPING;
  }

  @Override
  public ColumnMapping map(Connection connection, SourceColumn column) throws SQLException {
    String type = column.typeName();
    if (type.startsWith("_")) {
      SourceColumn element =
          new SourceColumn(column.name(), java.sql.Types.OTHER, type.substring(1), 0, 0, true);
      ColumnMapping inner = map(connection, element);
      return array(inner, element);
    }
    var known = MAPPING.find(column);
    if (known.isPresent()) {
      return known.get();
    }
    if (enumTypes(connection).contains(type)) {
      return ColumnMapping.of(DataType.TEXT, String.class, Readers.STRING, PgText.AS_IS);
    }
    return TextFallback.of(column, this);
  }

  private static ColumnMapping array(ColumnMapping element, SourceColumn elementColumn) {
    TextDecoder decoder = element.textDecoder();
    TextDecoder arrayDecoder =
        text -> {
          List<String> parts = PgText.arrayElements(text);
          List<Object> values = new ArrayList<>(parts.size());
          for (String p : parts) {
            values.add(p == null ? null : decoder.decode(p));
          }
          return values;
        };
    ColumnMapping mapping =
        ColumnMapping.of(
            DataType.JSON,
            List.class,
            (rows, i) -> {
              String text = rows.getString(i);
              return text == null ? null : arrayDecoder.decode(text);
            },
            arrayDecoder);
    return element.warning() == null ? mapping : mapping.withWarning(element.warning());
  }

  private Set<String> enumTypes(Connection connection) throws SQLException {
    String key = connection.getMetaData().getURL();
    Set<String> cached = enums.get(key);
    if (cached != null) {
      return cached;
    }
    Set<String> names = new HashSet<>();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT typname FROM pg_catalog.pg_type WHERE typtype = 'e'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    enums.put(key, Set.copyOf(names));
    return names;
  }

  @Override
  public void prepare(Connection connection) throws SQLException {
    // Fixed output styles make the text of COPY and getString() the same on every server.
    try (Statement s = connection.createStatement()) {
      s.execute(
          "SET intervalstyle = 'iso_8601'; SET timezone = 'UTC'; SET bytea_output = 'hex';"
              + " SET extra_float_digits = 3");
    }
  }

  @Override
  public void stream(Connection connection, Statement statement, int fetchSize)
      throws SQLException {
    // pgjdbc only uses a server-side cursor (a portal) inside a transaction.
    connection.setAutoCommit(false);
    statement.setFetchSize(fetchSize);
  }

  @Override
  public boolean isConnectionFailure(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      String state = s.getSQLState();
      if (state != null
          && (state.startsWith("08")
              || state.equals("57P01")
              || state.equals("57P02")
              || state.equals("57P03"))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean isJsonText(SourceColumn column) {
    return column.typeName().equals("json") || column.typeName().equals("jsonb");
  }

  @Override
  public boolean supportsTextExport() {
    return true;
  }

  @Override
  public TextExport openTextExport(Connection connection, String select) throws SQLException {
    return copyOut(connection, "COPY (" + select + ") TO STDOUT");
  }

  /**
   * Starts {@code COPY (select) TO STDOUT (FORMAT binary)}: the same rows as {@link
   * #openTextExport}, each value in its type's binary form, which the server produces with less
   * work than text (no timestamp or uuid formatting, no escaping).
   */
  TextExport openBinaryExport(Connection connection, String select) throws SQLException {
    return copyOut(connection, "COPY (" + select + ") TO STDOUT (FORMAT binary)");
  }

  private static TextExport copyOut(Connection connection, String copySql) throws SQLException {
    CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql);
    return new TextExport() {
      @Override
      public byte[] next() throws SQLException {
        return copy.readFromCopy();
      }

      @Override
      public void close() throws SQLException {
        if (copy.isActive()) {
          copy.cancelCopy();
        }
      }
    };
  }

  @Override
  public String literal(CursorValue value) {
    return switch (value.kind()) {
      case INTEGER, DECIMAL -> value.text();
      case TIMESTAMPTZ -> quoted(value.text()) + "::timestamptz";
      case TIMESTAMP -> quoted(value.text()) + "::timestamp";
      case DATE -> quoted(value.text()) + "::date";
      case TEXT -> quoted(value.text());
    };
  }

  private static String quoted(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static TypeMapping mapping() {
    return TypeMapping.builder("postgresql")
        .name(
            c -> ColumnMapping.of(DataType.SMALLINT, Integer.class, Readers.INT, Integer::valueOf),
            "int2",
            "smallserial")
        .name(
            c -> ColumnMapping.of(DataType.INTEGER, Integer.class, Readers.INT, Integer::valueOf),
            "int4",
            "serial")
        .name(
            c -> ColumnMapping.of(DataType.BIGINT, Long.class, Readers.LONG, Long::valueOf),
            "int8",
            "bigserial")
        .name(PostgresDialect::numeric, "numeric")
        .name(
            c -> ColumnMapping.of(DataType.REAL, Float.class, Readers.FLOAT, Float::valueOf),
            "float4")
        .name(
            c -> ColumnMapping.of(DataType.DOUBLE, Double.class, Readers.DOUBLE, Double::valueOf),
            "float8")
        .name(
            c ->
                ColumnMapping.of(
                    DataType.BOOLEAN, Boolean.class, Readers.BOOLEAN, s -> s.equals("t")),
            "bool")
        .name(
            c -> ColumnMapping.of(DataType.TEXT, String.class, Readers.STRING, PgText.AS_IS),
            "text",
            "varchar",
            "bpchar",
            "char",
            "name",
            "citext")
        .name(
            c -> ColumnMapping.of(DataType.DATE, LocalDate.class, Readers.DATE, PgText::date),
            "date")
        .name(
            c -> ColumnMapping.of(DataType.TIME, LocalTime.class, Readers.TIME, PgText::time),
            "time")
        .name(
            c ->
                ColumnMapping.of(
                    DataType.TIMESTAMP, LocalDateTime.class, Readers.TIMESTAMP, PgText::timestamp),
            "timestamp")
        .name(
            c ->
                ColumnMapping.of(
                    DataType.TIMESTAMPTZ,
                    OffsetDateTime.class,
                    Readers.TIMESTAMPTZ,
                    PgText::timestamptz),
            "timestamptz")
        .name(
            c -> ColumnMapping.of(DataType.TEXT, String.class, Readers.STRING, s -> s), "interval")
        .name(
            c ->
                ColumnMapping.of(
                    DataType.UUID,
                    UUID.class,
                    (rows, i) -> rows.getObject(i, UUID.class),
                    UUID::fromString),
            "uuid")
        .name(
            c ->
                ColumnMapping.of(
                    DataType.JSON,
                    JsonNode.class,
                    (rows, i) -> {
                      String text = rows.getString(i);
                      return text == null ? null : Readers.json(text);
                    },
                    Readers::json),
            "json",
            "jsonb")
        .name(
            c -> ColumnMapping.of(DataType.BINARY, byte[].class, Readers.BYTES, PgText::bytea),
            "bytea")
        .build();
  }

  private static ColumnMapping numeric(SourceColumn c) {
    int precision = c.precision();
    int scale = c.scale();
    if (precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision) {
      DataType type = DataType.decimal(precision, scale);
      return ColumnMapping.of(
          type,
          BigDecimal.class,
          (rows, i) -> {
            String text = rows.getString(i);
            return text == null ? null : decimal(text, c.name());
          },
          text -> decimal(text, c.name()));
    }
    // Wider or unconstrained: any fixed decimal type could drop digits, so keep the exact text.
    return ColumnMapping.of(DataType.TEXT, String.class, Readers.STRING, s -> s);
  }

  private static BigDecimal decimal(String text, String column) {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new DuckliftException(
          "Column '" + column + "' holds '" + text + "', which is not a decimal number", e);
    }
  }
}
