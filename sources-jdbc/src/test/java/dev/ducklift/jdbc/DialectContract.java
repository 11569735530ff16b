package dev.ducklift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Resource;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.jdbc.internal.TableResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every dialect must do, run against each database: subclasses provide a source builder and a
 * way to run SQL; the contract creates its own tables ({@code contract_*}).
 */
abstract class DialectContract {

  /** A source builder connected to the database under test. */
  abstract JdbcSource.Builder source();

  /** Runs statements on the database under test. */
  abstract void execute(String... sql);

  /** The database's spelling of a timestamp with time zone literal. */
  String timestamptz(String iso) {
    return "TIMESTAMPTZ '" + iso + "'";
  }

  private Resource resource(JdbcTable table) {
    return source().pageSize(7).fetchSize(7).table(table).build().resources().get(0);
  }

  @Test
  void readsEveryRowInPagesOfTheConfiguredSize() throws Exception {
    execute(
        "CREATE TABLE contract_pages (id INTEGER PRIMARY KEY, name VARCHAR(20))",
        "INSERT INTO contract_pages SELECT g, concat('n', g) FROM generate_series(1, 30) t(g)");
    Extraction e = Extraction.run(resource(JdbcTable.table("contract_pages").build()));
    assertThat(e.records).hasSize(30);
    assertThat(e.pages).extracting(p -> p.size()).containsExactly(7, 7, 7, 7, 2);
    assertThat(e.pages.get(0).description())
        .contains(".contract_pages chunk 1 page 1")
        .doesNotContain("jdbc:");
    assertThat(e.records.stream().map(r -> r.get("id")).distinct().count()).isEqualTo(30);
  }

  @Test
  void reflectsThePrimaryKeyAndDeclaresColumnTypes() {
    execute(
        "CREATE TABLE contract_keys (a INTEGER NOT NULL, b VARCHAR(5) NOT NULL, v BIGINT, PRIMARY KEY (a, b))");
    Resource r = resource(JdbcTable.table("contract_keys").build());
    assertThat(r.spec().primaryKey()).containsExactly("a", "b");
    assertThat(r.spec().columns().get("v").type()).isEqualTo(DataType.BIGINT);
    assertThat(r.spec().columns().get("a").nullable()).isFalse();
    assertThat(r.spec().maxNestingDepth()).isZero();
  }

  @Test
  void incrementingReadsStrictlyAfterTheWatermark() throws Exception {
    execute(
        "CREATE TABLE contract_inc (id BIGINT PRIMARY KEY)",
        "INSERT INTO contract_inc SELECT g FROM generate_series(1, 20) t(g)");
    Resource r = resource(JdbcTable.table("contract_inc").incrementing("id").build());
    Extraction first = Extraction.run(r);
    assertThat(first.state).containsEntry("", CursorValue.of(20L));
    execute("INSERT INTO contract_inc VALUES (21), (22)");
    assertThat(Extraction.run(r, first.state).records)
        .extracting(m -> m.get("id"))
        .containsExactly(21L, 22L);
  }

  @Test
  void timestampTiesAreBrokenByTheId() throws Exception {
    execute(
        "CREATE TABLE contract_ties (id BIGINT PRIMARY KEY, happened TIMESTAMPTZ NOT NULL)",
        "INSERT INTO contract_ties VALUES (1, "
            + timestamptz("2024-01-01 00:00:00+00")
            + "), (2, "
            + timestamptz("2024-01-01 00:00:01+00")
            + "), (3, "
            + timestamptz("2024-01-01 00:00:01+00")
            + ")");
    Resource r =
        resource(
            JdbcTable.table("contract_ties").timestampAndIncrementing("happened", "id").build());
    Extraction first = Extraction.run(r);
    assertThat(first.state).containsEntry(TableResource.TIEBREAK_KEY, CursorValue.of(3L));
    execute(
        "INSERT INTO contract_ties VALUES (4, "
            + timestamptz("2024-01-01 00:00:01+00")
            + "), (0, "
            + timestamptz("2024-01-01 00:00:01+00")
            + ")");
    List<Map<String, Object>> next = Extraction.run(r, first.state).records;
    assertThat(next).extracting(m -> m.get("id")).containsExactly(4L);
  }

  @Test
  void aCustomQueryIsReadLikeATable() throws Exception {
    execute(
        "CREATE TABLE contract_query (id INTEGER PRIMARY KEY, v INTEGER)",
        "INSERT INTO contract_query SELECT g, g * 10 FROM generate_series(1, 10) t(g)");
    Resource r =
        resource(
            JdbcTable.query("big", "SELECT id, v AS value FROM contract_query WHERE v > 50")
                .primaryKey("id")
                .incrementing("id")
                .build());
    assertThat(r.spec().name()).isEqualTo("big");
    assertThat(Extraction.run(r, Map.of("", CursorValue.of(8L))).records)
        .extracting(m -> m.get("value"))
        .containsExactly(90, 100);
  }
}
