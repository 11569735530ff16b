package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Resource;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.jdbc.internal.GenericDialect;
import dev.ducklift.jdbc.internal.TableResource;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generic dialect against another database: DuckDB through its own JDBC driver. */
class GenericDialectIT {
  @TempDir static Path dir;
  private static String url;

  @BeforeAll
  static void create() throws Exception {
    url = "jdbc:duckdb:" + dir.resolve("other.duckdb");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE items (id BIGINT PRIMARY KEY, small SMALLINT, n INTEGER, price DECIMAL(12,3),"
              + " ratio DOUBLE, ok BOOLEAN, name VARCHAR, day DATE, seen_at TIMESTAMP, at_tz TIMESTAMPTZ,"
              + " u UUID, raw BLOB)");
      s.execute(
          "INSERT INTO items SELECT i, (i % 100)::SMALLINT, i * 2, i / 8, i / 3, i % 2 = 0,"
              + " 'item ' || i, DATE '2024-01-01' + i::INTEGER, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) SECOND,"
              + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (i) SECOND,"
              + " uuid(), 'x'::BLOB FROM range(1, 1001) t(i)");
      s.execute("INSERT INTO items (id) VALUES (5000)");
    }
  }

  private static Resource resource(JdbcTable table) {
    return JdbcSource.builder("duck")
        .url(url)
        .pageSize(100)
        .table(table)
        .build()
        .resources()
        .get(0);
  }

  @Test
  void choosesTheGenericDialectAndMapsTypesByJdbcCode() {
    JdbcSource source = JdbcSource.builder("duck").url(url).table("items").build();
    assertThat(source.dialect()).isInstanceOf(GenericDialect.class);
    TableResource r = (TableResource) source.resources().get(0);
    assertThat(r.usesCopy()).isFalse();
    assertThat(r.spec().primaryKey()).containsExactly("id");
    Map<String, DataType> types = new java.util.HashMap<>();
    r.spec().columns().values().forEach(h -> types.put(h.name(), h.type()));
    assertThat(types)
        .containsEntry("id", DataType.BIGINT)
        .containsEntry("small", DataType.SMALLINT)
        .containsEntry("n", DataType.INTEGER)
        .containsEntry("price", DataType.decimal(12, 3))
        .containsEntry("ratio", DataType.DOUBLE)
        .containsEntry("ok", DataType.BOOLEAN)
        .containsEntry("name", DataType.TEXT)
        .containsEntry("day", DataType.DATE)
        .containsEntry("seen_at", DataType.TIMESTAMP)
        .containsEntry("at_tz", DataType.TIMESTAMPTZ)
        .containsEntry("u", DataType.UUID)
        .containsEntry("raw", DataType.BINARY);
  }

  @Test
  void readsValuesAsTheirJavaTypes() throws Exception {
    Extraction e = Extraction.run(resource(JdbcTable.table("items").build()));
    // (the incremental test may have added rows 1001 and 1002)
    assertThat(e.records).extracting(r -> r.get("id")).contains(1L, 1000L, 5000L);
    Map<String, Object> r8 =
        e.records.stream().filter(r -> r.get("id").equals(8L)).findFirst().orElseThrow();
    assertThat(r8)
        .containsEntry("small", 8)
        .containsEntry("n", 16)
        .containsEntry("price", new BigDecimal("1.000"))
        .containsEntry("ok", true)
        .containsEntry("name", "item 8")
        .containsEntry("day", LocalDate.of(2024, 1, 9))
        .containsEntry("seen_at", LocalDateTime.of(2024, 1, 1, 0, 0, 8))
        .containsEntry("at_tz", OffsetDateTime.of(2024, 1, 1, 0, 0, 8, 0, ZoneOffset.UTC));
    assertThat(r8.get("u")).isInstanceOf(UUID.class);
    assertThat((byte[]) r8.get("raw")).containsExactly('x');
  }

  @Test
  void readsIncrementallyWithBindParameters() throws Exception {
    Resource r =
        resource(JdbcTable.table("items").timestampAndIncrementing("seen_at", "id").build());
    Extraction first = Extraction.run(r);
    assertThat(first.records).hasSize(1000); // the row without a timestamp is never read
    assertThat(first.state)
        .containsEntry("", CursorValue.of(LocalDateTime.of(2024, 1, 1, 0, 16, 40)))
        .containsEntry(TableResource.TIEBREAK_KEY, CursorValue.of(1000L));
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO items (id, seen_at) VALUES (1001, TIMESTAMP '2024-01-01 00:16:40'), (1002, TIMESTAMP '2024-01-01 00:00:01')");
    }
    Extraction second = Extraction.run(r, first.state);
    assertThat(second.records).extracting(m -> m.get("id")).containsExactly(1001L);
  }
}
