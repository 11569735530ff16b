package dev.ducklift.jdbc;

import dev.ducklift.core.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** One embedded PostgreSQL per test class; {@link #close()} it in {@code @AfterAll}. */
final class PostgresFixture implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private PostgresFixture(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static PostgresFixture start() {
    try {
      return new PostgresFixture(EmbeddedPostgres.builder().start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  Connection connect() throws SQLException {
    return postgres.getPostgresDatabase().getConnection();
  }

  void execute(String... statements) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  Object scalar(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  JdbcSource.Builder source(String name) {
    return JdbcSource.builder(name)
        .url(url())
        .user(Secret.of("postgres"))
        .password(Secret.of("postgres"));
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
