package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.ColumnHint;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.MergeStrategy;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.Secret;
import dev.ducklift.core.TableRunResult;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hard deletes, dedup order, delete-insert by merge key and SCD2 history on both catalog kinds.
 * Each load's lake is compared with a replay of the same staged records on plain DuckDB tables
 * (plain SQL, none of the promote's code), at the load's own snapshot (time travel) after all loads
 * ran.
 */
class MergeStrategiesIT {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  enum Catalog {
    DUCKDB,
    POSTGRES
  }

  @TempDir Path dir;

  private CatalogLocation catalog;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  private void useCatalog(Catalog kind) {
    catalog =
        switch (kind) {
          case DUCKDB -> CatalogLocation.duckdb(dir.resolve("catalog.ducklake"));
          case POSTGRES ->
              CatalogLocation.postgres(
                  postgres.getJdbcUrl("postgres", "postgres"),
                  "postgres",
                  Secret.of("postgres"),
                  "merge_" + SCHEMAS.incrementAndGet());
        };
  }

  private RunResult run(ResourceSpec spec, List<Map<String, Object>> records) {
    try (Pipeline p =
        Pipeline.builder("p1")
            .workingDirectory(dir.resolve("work"))
            .destination(
                DuckLakeDestination.builder()
                    .catalog(catalog)
                    .dataPath(dir.resolve("data"))
                    .build())
            .resource(Resources.ofRecords(spec, records, 3))
            .build()) {
      return p.run();
    }
  }

  /** Rows of a query over the lake at a snapshot, values joined by {@code |}. */
  private List<String> lakeAt(long snapshot, String sql) {
    try (DuckLake lake = DuckLake.open(catalog, dir.resolve("data"));
        LakeReader reader = LakeReader.open(lake);
        LakeSession session = reader.at(snapshot)) {
      List<String> out = new ArrayList<>();
      for (List<Object> row : session.sql(sql).rows()) {
        out.add(String.join("|", row.stream().map(Objects::toString).toList()));
      }
      return out;
    }
  }

  private List<String> lakeColumns(String table) {
    try (DuckLake lake = DuckLake.open(catalog, dir.resolve("data"));
        LakeReader reader = LakeReader.open(lake)) {
      return reader.requireTable(reader.latestSnapshot().id(), "main", table).columns().stream()
          .map(c -> c.name())
          .toList();
    }
  }

  // ---------------------------------------------------------------- the independent replay

  /** A plain DuckDB database replaying the loads with plain SQL. */
  private static final class Replay implements AutoCloseable {
    final Connection c;

    Replay(String... ddl) throws SQLException {
      c = DriverManager.getConnection("jdbc:duckdb:");
      for (String s : ddl) {
        exec(s);
      }
    }

    void exec(String sql) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }

    List<String> rows(String sql) throws SQLException {
      List<String> out = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(Objects.toString(rs.getObject(i)));
          }
          out.add(String.join("|", row));
        }
      }
      return out;
    }

    @Override
    public void close() throws SQLException {
      c.close();
    }
  }

  private static String sqlText(Object v) {
    return v == null ? "NULL" : "'" + v.toString().replace("'", "''") + "'";
  }

  private static Map<String, Object> record(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  // ---------------------------------------------------------------- hard deletes

  private static Map<String, Object> order(int id, String v, Boolean deleted, String... tags) {
    Map<String, Object> m = record("id", id, "v", v);
    if (deleted != null) {
      m.put("deleted", deleted);
    }
    m.put("tags", List.of(tags));
    return m;
  }

  /** Replays an upsert with a flag column: flagged keys end with their child rows. */
  private static void replayUpsert(Replay r, List<Map<String, Object>> load, String flagCondition)
      throws SQLException {
    r.exec("DELETE FROM staged");
    r.exec("DELETE FROM staged_tags");
    int pos = 0;
    for (Map<String, Object> m : load) {
      pos++;
      r.exec(
          "INSERT INTO staged VALUES ("
              + m.get("id")
              + ", "
              + sqlText(m.get("v"))
              + ", "
              + sqlText(m.get("deleted"))
              + ", "
              + sqlText(m.get("deleted_at"))
              + ", "
              + pos
              + ")");
      @SuppressWarnings("unchecked")
      List<String> tags = (List<String>) m.get("tags");
      for (int i = 0; i < tags.size(); i++) {
        r.exec(
            "INSERT INTO staged_tags VALUES ("
                + pos
                + ", "
                + i
                + ", "
                + sqlText(tags.get(i))
                + ")");
      }
    }
    r.exec(
        "CREATE OR REPLACE TABLE winners AS SELECT * FROM staged QUALIFY row_number() OVER"
            + " (PARTITION BY id ORDER BY pos DESC) = 1");
    r.exec("DELETE FROM orders_tags WHERE id IN (SELECT id FROM staged)");
    r.exec("DELETE FROM orders WHERE id IN (SELECT id FROM staged)");
    r.exec("INSERT INTO orders SELECT id, v FROM winners WHERE NOT (" + flagCondition + ")");
    r.exec(
        "INSERT INTO orders_tags SELECT w.id, t.idx, t.tag FROM winners w JOIN staged_tags t ON"
            + " t.pos = w.pos WHERE NOT ("
            + flagCondition
            + ")");
  }

  private static final String LAKE_ORDERS =
      "SELECT o.id, o.v, string_agg(t.value, ',' ORDER BY t._dl_list_idx) FROM main.orders o"
          + " LEFT JOIN main.orders__tags t ON t._dl_parent_id = o._dl_id GROUP BY o.id, o.v"
          + " ORDER BY o.id";

  private static final String REPLAY_ORDERS =
      "SELECT o.id, o.v, string_agg(t.tag, ',' ORDER BY t.idx) FROM orders o"
          + " LEFT JOIN orders_tags t ON t.id = o.id GROUP BY o.id, o.v ORDER BY o.id";

  private void checkHardDeletes(
      ResourceSpec spec, List<List<Map<String, Object>>> loads, String flagCondition)
      throws SQLException {
    try (Replay r =
        new Replay(
            "CREATE TABLE staged (id INT, v VARCHAR, deleted BOOLEAN, deleted_at VARCHAR, pos INT)",
            "CREATE TABLE staged_tags (pos INT, idx INT, tag VARCHAR)",
            "CREATE TABLE orders (id INT, v VARCHAR)",
            "CREATE TABLE orders_tags (id INT, idx INT, tag VARCHAR)")) {
      List<Long> snapshots = new ArrayList<>();
      List<List<String>> expected = new ArrayList<>();
      for (List<Map<String, Object>> load : loads) {
        TableRunResult t = run(spec, load).table("orders").orElseThrow();
        snapshots.add(t.snapshotId());
        replayUpsert(r, load, flagCondition);
        expected.add(r.rows(REPLAY_ORDERS));
      }
      for (int i = 0; i < loads.size(); i++) {
        assertThat(lakeAt(snapshots.get(i), LAKE_ORDERS))
            .as("lake after load %d", i + 1)
            .containsExactlyElementsOf(expected.get(i));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Catalog.class)
  void rowsFlaggedByAHardDeleteColumnEndWithTheirChildRowsAndTheFlagIsNotWritten(Catalog kind)
      throws SQLException {
    useCatalog(kind);
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .writeDisposition(WriteDisposition.MERGE)
            .merge(MergeHints.builder().hardDelete("deleted").build())
            .build();
    List<Map<String, Object>> first = new ArrayList<>();
    for (int id = 1; id <= 12; id++) {
      first.add(order(id, "a" + id, false, "x" + id, "y" + id));
    }
    List<Map<String, Object>> second =
        List.of(
            order(2, "a2", true),
            order(3, "b3", false, "z3"),
            order(5, "a5", true, "ignored"),
            order(13, "a13", null, "n13"),
            // flagged, then re-delivered unflagged later in the same load: the last wins
            order(7, "a7", true),
            order(7, "b7", false, "w7"));
    List<Map<String, Object>> third =
        List.of(order(2, "c2", false, "back"), order(40, "never", true), order(9, "a9", true));
    checkHardDeletes(spec, List.of(first, second, third), "COALESCE(deleted, false)");
    assertThat(lakeColumns("orders")).doesNotContain("deleted");
  }

  @ParameterizedTest
  @EnumSource(Catalog.class)
  void tombstoneRowsWithANonNullDeleteColumnEndTheirKeys(Catalog kind) throws SQLException {
    useCatalog(kind);
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .writeDisposition(WriteDisposition.MERGE)
            .merge(MergeHints.builder().hardDelete("deleted_at").build())
            .build();
    List<Map<String, Object>> first = new ArrayList<>();
    for (int id = 1; id <= 8; id++) {
      first.add(order(id, "a" + id, null, "t" + id));
    }
    List<Map<String, Object>> second = new ArrayList<>();
    Map<String, Object> tomb = order(3, null, null);
    tomb.put("deleted_at", "2024-05-01T00:00:00Z");
    second.add(tomb);
    Map<String, Object> tomb6 = order(6, "gone", null, "t6b");
    tomb6.put("deleted_at", "2024-05-02T00:00:00Z");
    second.add(tomb6);
    second.add(order(4, "b4", null, "u4"));
    checkHardDeletes(spec, List.of(first, second), "deleted_at IS NOT NULL");
    assertThat(lakeColumns("orders")).doesNotContain("deleted_at");
  }

  @ParameterizedTest
  @EnumSource(Catalog.class)
  void dedupSortPicksTheWinningVersionOfAKeyStagedTwiceInOneLoad(Catalog kind) throws SQLException {
    useCatalog(kind);
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .writeDisposition(WriteDisposition.MERGE)
            .merge(MergeHints.builder().dedupSort("lsn", true).build())
            .build();
    // several changes of one key in a load, staged out of commit order: the greatest lsn wins
    List<Map<String, Object>> load = new ArrayList<>();
    load.add(record("id", 1, "v", "new", "lsn", 30, "tags", List.of()));
    load.add(record("id", 1, "v", "old", "lsn", 10, "tags", List.of()));
    load.add(record("id", 1, "v", "mid", "lsn", 20, "tags", List.of()));
    load.add(record("id", 2, "v", "only", "lsn", 5, "tags", List.of()));
    load.add(record("id", 3, "v", "last", "lsn", 7, "tags", List.of()));
    load.add(record("id", 3, "v", "first", "lsn", 6, "tags", List.of()));
    long snapshot = run(spec, load).table("orders").orElseThrow().snapshotId();
    try (Replay r = new Replay("CREATE TABLE staged (id INT, v VARCHAR, lsn INT, pos INT)")) {
      int pos = 0;
      for (Map<String, Object> m : load) {
        r.exec(
            "INSERT INTO staged VALUES ("
                + m.get("id")
                + ", "
                + sqlText(m.get("v"))
                + ", "
                + m.get("lsn")
                + ", "
                + (++pos)
                + ")");
      }
      List<String> expected =
          r.rows(
              "SELECT id, v, lsn FROM staged QUALIFY row_number() OVER (PARTITION BY id ORDER BY"
                  + " lsn DESC, pos DESC) = 1 ORDER BY id");
      assertThat(lakeAt(snapshot, "SELECT id, v, lsn FROM main.orders ORDER BY id"))
          .containsExactlyElementsOf(expected);
    }
  }

  // ---------------------------------------------------------------- delete-insert

  @ParameterizedTest
  @EnumSource(Catalog.class)
  void deleteInsertByADateMergeKeyReplacesEveryRowOfTheLoadedDaysOverThreeLoads(Catalog kind)
      throws SQLException {
    useCatalog(kind);
    ResourceSpec spec =
        ResourceSpec.builder("sales")
            .writeDisposition(WriteDisposition.MERGE)
            .column(new ColumnHint("day", DataType.DATE, true))
            .merge(
                MergeHints.builder().strategy(MergeStrategy.DELETE_INSERT).mergeKey("day").build())
            .build();
    List<List<Map<String, Object>>> loads = new ArrayList<>();
    List<Map<String, Object>> l1 = new ArrayList<>();
    for (int d = 1; d <= 5; d++) {
      for (int i = 0; i < d; i++) {
        l1.add(record("day", "2024-05-0" + d, "shop", "s" + i, "amount", d * 10 + i));
      }
    }
    loads.add(l1);
    // day 3 reloaded with fewer rows, day 6 new
    loads.add(
        List.of(
            record("day", "2024-05-03", "shop", "s9", "amount", 1),
            record("day", "2024-05-06", "shop", "s0", "amount", 2),
            record("day", "2024-05-06", "shop", "s1", "amount", 3)));
    // days 1 and 6 reloaded, one row each
    loads.add(
        List.of(
            record("day", "2024-05-01", "shop", "s5", "amount", 4),
            record("day", "2024-05-06", "shop", "s5", "amount", 5)));
    try (Replay r =
        new Replay(
            "CREATE TABLE staged (day DATE, shop VARCHAR, amount BIGINT)",
            "CREATE TABLE sales (day DATE, shop VARCHAR, amount BIGINT)")) {
      List<Long> snapshots = new ArrayList<>();
      List<List<String>> expected = new ArrayList<>();
      for (List<Map<String, Object>> load : loads) {
        TableRunResult t = run(spec, load).table("sales").orElseThrow();
        snapshots.add(t.snapshotId());
        r.exec("DELETE FROM staged");
        for (Map<String, Object> m : load) {
          r.exec(
              "INSERT INTO staged VALUES ("
                  + sqlText(m.get("day"))
                  + ", "
                  + sqlText(m.get("shop"))
                  + ", "
                  + m.get("amount")
                  + ")");
        }
        r.exec("DELETE FROM sales WHERE day IN (SELECT day FROM staged)");
        r.exec("INSERT INTO sales SELECT * FROM staged");
        expected.add(r.rows("SELECT day, shop, amount FROM sales ORDER BY ALL"));
      }
      for (int i = 0; i < loads.size(); i++) {
        assertThat(
                lakeAt(snapshots.get(i), "SELECT day, shop, amount FROM main.sales ORDER BY ALL"))
            .as("lake after load %d", i + 1)
            .containsExactlyElementsOf(expected.get(i));
      }
    }
  }

  // ---------------------------------------------------------------- scd2

  private static final String[] SCD2_DDL = {
    "CREATE TABLE staged (id INT, name VARCHAR, city VARCHAR, deleted BOOLEAN, tags VARCHAR)",
    "CREATE TABLE hist (id INT, name VARCHAR, city VARCHAR, tags VARCHAR, valid_from BIGINT,"
        + " valid_to BIGINT)"
  };

  private static Map<String, Object> person(int id, String name, String city, String... tags) {
    return record("id", id, "name", name, "city", city, "tags", List.of(tags));
  }

  private static Map<String, Object> flagged(Map<String, Object> m) {
    Map<String, Object> copy = new LinkedHashMap<>(m);
    copy.put("deleted", true);
    return copy;
  }

  /** The SCD2 of one full load at boundary {@code b} (epoch seconds), in plain SQL. */
  private static void replayScd2(Replay r, List<Map<String, Object>> load, long b)
      throws SQLException {
    r.exec("DELETE FROM staged");
    for (Map<String, Object> m : load) {
      r.exec(
          "INSERT INTO staged VALUES ("
              + m.get("id")
              + ", "
              + sqlText(m.get("name"))
              + ", "
              + sqlText(m.get("city"))
              + ", "
              + (Boolean.TRUE.equals(m.get("deleted")))
              + ", "
              + sqlText(String.join(",", castTags(m.get("tags"))))
              + ")");
    }
    r.exec(
        "UPDATE hist SET valid_to = "
            + b
            + " WHERE valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.id = hist.id"
            + " AND NOT s.deleted AND s.name IS NOT DISTINCT FROM hist.name"
            + " AND s.city IS NOT DISTINCT FROM hist.city)");
    r.exec(
        "INSERT INTO hist SELECT id, name, city, NULLIF(tags, ''), "
            + b
            + ", NULL FROM staged s WHERE NOT deleted AND NOT EXISTS (SELECT 1 FROM hist h"
            + " WHERE h.id = s.id AND h.valid_to IS NULL)");
  }

  @SuppressWarnings("unchecked")
  private static List<String> castTags(Object tags) {
    return (List<String>) tags;
  }

  private static final String LAKE_HIST =
      "SELECT o.id, o.name, o.city, (SELECT string_agg(t.value, ',' ORDER BY t._dl_list_idx)"
          + " FROM main.people__tags t WHERE t._dl_parent_id = o._dl_id),"
          + " CAST(epoch(o._dl_valid_from) AS BIGINT), CAST(epoch(o._dl_valid_to) AS BIGINT)"
          + " FROM main.people o ORDER BY ALL";

  @ParameterizedTest
  @EnumSource(Catalog.class)
  void scd2KeepsEveryVersionOverFiveLoadsWithTimeTravelToEachLoad(Catalog kind)
      throws SQLException {
    useCatalog(kind);
    List<List<Map<String, Object>>> loads = new ArrayList<>();
    List<Map<String, Object>> l1 = new ArrayList<>();
    for (int id = 1; id <= 6; id++) {
      l1.add(person(id, "n" + id, "c" + id, "t" + id));
    }
    loads.add(l1);
    // 2 and 3 change, 6 is absent (retired), 7 is new, the rest unchanged
    List<Map<String, Object>> l2 =
        List.of(
            person(1, "n1", "c1", "t1"),
            person(2, "n2", "moved", "t2", "u2"),
            person(3, "renamed", "c3"),
            person(4, "n4", "c4", "t4"),
            person(5, "n5", "c5", "t5"),
            person(7, "n7", "c7", "t7"));
    loads.add(l2);
    // the same load again: no new versions, nothing closed
    loads.add(l2);
    // 4 deleted by flag, 6 comes back, 7 changes
    loads.add(
        List.of(
            person(1, "n1", "c1", "t1"),
            person(2, "n2", "moved", "t2", "u2"),
            person(3, "renamed", "c3"),
            flagged(person(4, "n4", "c4")),
            person(5, "n5", "c5", "t5"),
            person(6, "n6", "c6", "back"),
            person(7, "n7", "elsewhere")));
    // 2 changes again, 5 absent
    loads.add(
        List.of(
            person(1, "n1", "c1", "t1"),
            person(2, "n2", "c2", "again"),
            person(3, "renamed", "c3"),
            person(6, "n6", "c6", "back"),
            person(7, "n7", "elsewhere")));
    try (Replay r = new Replay(SCD2_DDL)) {
      List<Long> snapshots = new ArrayList<>();
      List<List<String>> expected = new ArrayList<>();
      for (int i = 0; i < loads.size(); i++) {
        Instant boundary = Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86_400L * i);
        ResourceSpec spec =
            ResourceSpec.builder("people")
                .primaryKey("id")
                .writeDisposition(WriteDisposition.MERGE)
                .merge(
                    MergeHints.builder()
                        .strategy(MergeStrategy.SCD2)
                        .hardDelete("deleted")
                        .boundaryTimestamp(boundary)
                        .build())
                .build();
        TableRunResult t = run(spec, loads.get(i)).table("people").orElseThrow();
        if (i == 2) {
          assertThat(t.rowsInserted() + t.rowsReplaced() + t.rowsDeleted())
              .as("a re-run of the same load")
              .isZero();
        }
        snapshots.add(t.snapshotId());
        replayScd2(r, loads.get(i), boundary.getEpochSecond());
        expected.add(
            r.rows("SELECT id, name, city, tags, valid_from, valid_to FROM hist ORDER BY ALL"));
      }
      for (int i = 0; i < loads.size(); i++) {
        assertThat(lakeAt(snapshots.get(i), LAKE_HIST))
            .as("lake after load %d", i + 1)
            .containsExactlyElementsOf(expected.get(i));
      }
    }
    assertThat(lakeColumns("people"))
        .contains("_dl_valid_from", "_dl_valid_to", "_dl_version_hash")
        .doesNotContain("deleted");
  }

  @ParameterizedTest
  @EnumSource(Catalog.class)
  void scd2VersionsStartAtTheLoadStartByDefaultAndAnExcludedColumnMakesNoNewVersion(Catalog kind) {
    useCatalog(kind);
    ResourceSpec spec =
        ResourceSpec.builder("people")
            .primaryKey("id")
            .writeDisposition(WriteDisposition.MERGE)
            .merge(
                MergeHints.builder()
                    .strategy(MergeStrategy.SCD2)
                    .excludeFromVersionHash("seen_at")
                    .build())
            .build();
    Instant before = Instant.now();
    run(spec, List.of(record("id", 1, "name", "a", "seen_at", "x")));
    Instant after = Instant.now();
    TableRunResult second =
        run(spec, List.of(record("id", 1, "name", "a", "seen_at", "y")))
            .table("people")
            .orElseThrow();
    assertThat(second.rowsInserted() + second.rowsReplaced()).isZero();
    List<String> rows =
        lakeAt(
            second.snapshotId(),
            "SELECT seen_at, epoch_ms(_dl_valid_from), _dl_valid_to FROM main.people");
    assertThat(rows).hasSize(1);
    String[] row = rows.get(0).split("\\|");
    assertThat(row[0]).isEqualTo("x");
    assertThat(Long.parseLong(row[1]))
        .isBetween(before.toEpochMilli() - 1000, after.toEpochMilli());
    assertThat(row[2]).isEqualTo("null");
  }

  // ---------------------------------------------------------------- bad input

  @ParameterizedTest
  @EnumSource(Catalog.class)
  void aMissingMergeKeyColumnFailsNamingTheResourceAndHintBeforeAnythingIsWritten(Catalog kind) {
    useCatalog(kind);
    ResourceSpec spec =
        ResourceSpec.builder("sales")
            .writeDisposition(WriteDisposition.MERGE)
            .merge(MergeHints.builder().mergeKey("day").build())
            .build();
    assertThatThrownBy(() -> run(spec, List.of(record("date", "2024-01-01", "amount", 1))))
        .hasMessageContaining("Resource 'sales'")
        .hasMessageContaining("merge_key column 'day'");
    try (DuckLake lake = DuckLake.open(catalog, dir.resolve("data"));
        LakeReader reader = LakeReader.open(lake)) {
      assertThat(reader.table(reader.latestSnapshot().id(), "main", "sales")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Catalog.class)
  void aSourceColumnNamedValidFromIsRefusedUnderScd2(Catalog kind) {
    useCatalog(kind);
    ResourceSpec spec =
        ResourceSpec.builder("people")
            .primaryKey("id")
            .writeDisposition(WriteDisposition.MERGE)
            .merge(MergeHints.builder().strategy(MergeStrategy.SCD2).build())
            .build();
    assertThatThrownBy(
            () -> run(spec, List.of(record("id", 1, "_dl_valid_from", "2020-01-01T00:00:00Z"))))
        .hasMessageContaining("Resource 'people'")
        .hasMessageContaining("_dl_valid_from");
    try (DuckLake lake = DuckLake.open(catalog, dir.resolve("data"));
        LakeReader reader = LakeReader.open(lake)) {
      assertThat(reader.table(reader.latestSnapshot().id(), "main", "people")).isEmpty();
    }
  }
}
