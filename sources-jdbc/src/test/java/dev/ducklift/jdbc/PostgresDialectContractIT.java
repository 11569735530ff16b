package dev.ducklift.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresDialectContractIT extends DialectContract {
  private static PostgresFixture pg;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.start();
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  @Override
  JdbcSource.Builder source() {
    return pg.source("contract");
  }

  @Override
  void execute(String... sql) {
    pg.execute(sql);
  }
}
