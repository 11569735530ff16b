package dev.ducklift.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** The dialect contract through the generic dialect, against DuckDB's JDBC driver. */
class DuckDbDialectContractIT extends DialectContract {
  @TempDir static Path dir;

  private String url() {
    return "jdbc:duckdb:" + dir.resolve("contract.duckdb");
  }

  @Override
  JdbcSource.Builder source() {
    return JdbcSource.builder("contract").url(url());
  }

  @Override
  void execute(String... sql) {
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
