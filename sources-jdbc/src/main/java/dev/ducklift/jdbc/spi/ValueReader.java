package dev.ducklift.jdbc.spi;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads one column of the current row of a result set as a Java value a page may hold. */
@FunctionalInterface
public interface ValueReader {

  /**
   * Reads the value at {@code index} (1-based); returns {@code null} for SQL {@code NULL}.
   *
   * @throws SQLException as the driver throws it
   */
  Object read(ResultSet rows, int index) throws SQLException;
}
