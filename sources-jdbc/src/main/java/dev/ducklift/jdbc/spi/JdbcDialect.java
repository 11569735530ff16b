package dev.ducklift.jdbc.spi;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between databases: identifier quoting, the type-mapping table, session setup for
 * streaming, and optional capabilities. Optional capabilities are default methods that fail with "X
 * does not support Y"; a dialect overrides the ones it has.
 *
 * <p>Implementations are stateless or immutable and thread-safe; one instance serves every
 * connection of a source.
 */
public interface JdbcDialect {

  /** A short name for messages ({@code postgresql}, {@code generic}). */
  String name();

  /** The explicit type-mapping table. */
  TypeMapping typeMapping();

  /**
   * Maps a reflected column. The default looks it up in {@link #typeMapping()} and reads anything
   * else as text, with a warning naming the column.
   *
   * @param connection an open connection, for dialects that consult their catalog (enums, arrays)
   */
  default ColumnMapping map(Connection connection, SourceColumn column) throws SQLException {
    return typeMapping().find(column).orElseGet(() -> TextFallback.of(column, this));
  }

  /** Quotes an identifier (the SQL standard's double quotes by default). */
  default String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** Prepares a freshly opened connection (session settings). The default does nothing. */
  default void prepare(Connection connection) throws SQLException {}

  /**
   * Makes {@code statement} stream its rows {@code fetchSize} at a time instead of buffering the
   * whole result. The default sets the fetch size, which most drivers honour.
   */
  default void stream(Connection connection, Statement statement, int fetchSize)
      throws SQLException {
    statement.setFetchSize(fetchSize);
  }

  /** Binds a cursor value as a query parameter. */
  default void bind(PreparedStatement statement, int index, CursorValue value) throws SQLException {
    statement.setObject(index, value.value());
  }

  /**
   * Whether a failure means the connection is gone (so the read may be retried on a new connection)
   * rather than a problem with the query. The default checks for SQLSTATE class {@code 08}
   * (connection exception).
   */
  default boolean isConnectionFailure(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      String state = s.getSQLState();
      if (state != null && state.startsWith("08")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the text of {@code column} (from {@code getString} and from the bulk export) is the
   * JSON document it holds, so it can be staged as JSON text without being parsed. The default says
   * no.
   */
  default boolean isJsonText(SourceColumn column) {
    return false;
  }

  /** Whether this dialect can export a query's rows in bulk as text ({@link #openTextExport}). */
  default boolean supportsTextExport() {
    return false;
  }

  /**
   * Starts a bulk text export of {@code select} (PostgreSQL: {@code COPY (select) TO STDOUT} in
   * text format). The query cannot take bind parameters, so values are rendered with {@link
   * #literal}.
   *
   * @throws DuckliftException when the dialect has no bulk export
   */
  default TextExport openTextExport(Connection connection, String select) throws SQLException {
    throw new DuckliftException("The " + name() + " dialect does not support bulk text exports");
  }

  /**
   * Renders a cursor value as a typed SQL literal, for statements that cannot take bind parameters.
   *
   * @throws DuckliftException when the dialect cannot render literals
   */
  default String literal(CursorValue value) {
    throw new DuckliftException("The " + name() + " dialect does not render SQL literals");
  }

  /** A running bulk text export. */
  interface TextExport extends AutoCloseable {

    /** The next chunk of exported bytes (whole rows), or {@code null} at the end. */
    byte[] next() throws SQLException;

    /** Cancels the export if it is still running. */
    @Override
    void close() throws SQLException;
  }
}
