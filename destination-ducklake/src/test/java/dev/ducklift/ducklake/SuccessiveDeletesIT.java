package dev.ducklift.ducklake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.ducklake.maintenance.CleanupResult;
import dev.ducklift.ducklake.maintenance.LakeMaintenance;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.read.QueryResult;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Several successive deletes on one data file, in the official extension's 1.0 layout: one visible
 * delete file per data file, the later ones tagging each position with the snapshot that deleted
 * it. The table's contents at every snapshot are tracked independently in a plain DuckDB table; the
 * change feed over every range of snapshots (on a DuckDB-file catalog: every single snapshot and
 * the whole history) must equal the differences of those contents, snapshot by snapshot, and time
 * travel must return them.
 */
class SuccessiveDeletesIT {
  private static final TableName EVENTS = TableName.of("events");
  private static final TableName OTHER = TableName.of("other");

  private static EmbeddedPostgres pg;

  @TempDir Path dir;

  private Connection duck;
  private final List<Long> snapshots = new ArrayList<>();

  @BeforeAll
  static void startPostgres() {
    pg = Lakes.startPostgres();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @ParameterizedTest
  @EnumSource(Lakes.Kind.class)
  void changeFeedsOfEveryRangeEqualTheDifferencesOfTheTablesContents(Lakes.Kind kind)
      throws Exception {
    try (DuckLake lake = Lakes.create(kind, dir, pg);
        Connection c = Lakes.duckdb()) {
      duck = c;
      run("CREATE TABLE mirror (id BIGINT, kind VARCHAR)");
      Transaction create = lake.newTransaction();
      create.createTable(
          EVENTS,
          List.of(
              ColumnDefinition.of("id", LakeType.primitive("int64")),
              ColumnDefinition.of("kind", LakeType.primitive("varchar"))));
      create.createTable(OTHER, List.of(ColumnDefinition.of("x", LakeType.primitive("int32"))));
      committed(create.commit());

      append(lake, 0, 1000); // data file A
      append(lake, 1000, 1500); // data file B
      delete(lake, "id % 10 = 0 AND id < 1000"); // first delete file of A: positions only
      delete(lake, "id % 10 = 1 AND id < 500"); // replaces it with a tagged file
      delete(lake, "id % 7 = 3"); // A again, B for the first time
      Transaction twice = lake.newTransaction(); // two deletes of A in one transaction
      assertThat(twice.deleteWhere(EVENTS, duck, "id BETWEEN 200 AND 260"))
          .isEqualTo(count("id BETWEEN 200 AND 260"));
      run("DELETE FROM mirror WHERE id BETWEEN 200 AND 260");
      assertThat(twice.deleteWhere(EVENTS, duck, "id % 2 = 0 AND id < 300"))
          .isEqualTo(count("id % 2 = 0 AND id < 300"));
      run("DELETE FROM mirror WHERE id % 2 = 0 AND id < 300");
      committed(twice.commit());
      delete(lake, "id >= 1000 AND id < 1500"); // the rest of B: the data file ends

      // a delete prepared for the next snapshot, committed after another writer took that id: the
      // tagged file is rewritten with the snapshot the commit really gets
      Transaction late = lake.newTransaction();
      long lateDeletes = count("id % 3 = 0 AND id < 1000");
      assertThat(late.deleteWhere(EVENTS, duck, "id % 3 = 0 AND id < 1000")).isEqualTo(lateDeletes);
      Transaction first = lake.newTransaction();
      first.append(OTHER, duck, "SELECT 2 AS x");
      committed(first.commit());
      CommitResult lateResult = late.commit();
      run("DELETE FROM mirror WHERE id % 3 = 0 AND id < 1000");
      committed(lateResult);
      assertThat(lateResult.snapshotId()).isEqualTo(snapshots.get(snapshots.size() - 2) + 1);

      // every range on one catalog kind; the change feed reads both kinds alike, so the other
      // checks single snapshots and the whole history (the suite's time stays short)
      assertChangeFeeds(lake, kind == Lakes.Kind.POSTGRES);
      assertOfficialLayout(lake, lateResult.snapshotId(), lateDeletes);
      Lakes.assertVerified(lake);
      assertMaintenanceKeepsHistory(lake);
    }
  }

  /**
   * Expiring snapshots and removing the replaced delete files leaves every remaining snapshot
   * readable as it was: the tagged delete file alone carries the history of its data file.
   */
  private void assertMaintenanceKeepsHistory(DuckLake lake) throws Exception {
    List<Long> expired = List.of(snapshots.get(2), snapshots.get(4));
    try (LakeReader reader = LakeReader.open(lake)) {
      LakeMaintenance maintenance = new LakeMaintenance(reader);
      assertThat(maintenance.expireSnapshots(expired, false).expiredSnapshots())
          .containsExactlyElementsOf(expired);
      CleanupResult cleanup = maintenance.cleanupOldFiles(null, false);
      assertThat(cleanup.deletedFiles())
          .hasSize(4)
          .allSatisfy(f -> assertThat(f).endsWith("-delete.parquet"));
      assertThat(cleanup.keptFiles()).isEmpty();
    }
    try (LakeReader reader = LakeReader.open(lake)) {
      for (long s : snapshots) {
        if (expired.contains(s)) {
          continue;
        }
        try (LakeSession at = reader.at(s)) {
          assertThat(strings(at.sql("SELECT id, kind FROM main.events")))
              .as("rows at snapshot %d after maintenance", s)
              .containsExactlyInAnyOrderElementsOf(rows("SELECT id, kind FROM contents_" + s));
        }
      }
    }
    Lakes.assertVerified(lake);
  }

  private void assertChangeFeeds(DuckLake lake, boolean everyRange) throws SQLException {
    Map<Long, Set<String>> inserted = new TreeMap<>();
    Map<Long, Set<String>> deleted = new TreeMap<>();
    for (int i = 0; i < snapshots.size(); i++) {
      long s = snapshots.get(i);
      String now = "contents_" + s;
      String before =
          i == 0 ? "(SELECT * FROM mirror WHERE false)" : "contents_" + snapshots.get(i - 1);
      inserted.put(
          s, rows("SELECT id, kind FROM " + now + " EXCEPT SELECT id, kind FROM " + before));
      deleted.put(
          s, rows("SELECT id, kind FROM " + before + " EXCEPT SELECT id, kind FROM " + now));
    }
    try (LakeReader reader = LakeReader.open(lake)) {
      for (long s : snapshots) {
        try (LakeSession at = reader.at(s)) {
          assertThat(strings(at.sql("SELECT id, kind FROM main.events")))
              .as("rows at snapshot %d", s)
              .containsExactlyInAnyOrderElementsOf(rows("SELECT id, kind FROM contents_" + s));
        }
      }
      // every range from the first append on (ranges starting at the table's creation add nothing)
      for (int i = 1; i < snapshots.size(); i++) {
        for (int j = i; j < snapshots.size(); j++) {
          if (!everyRange && j != i && !(i == 1 && j == snapshots.size() - 1)) {
            continue;
          }
          long from = snapshots.get(i);
          long to = snapshots.get(j);
          List<String> expected = new ArrayList<>();
          for (long s : snapshots.subList(i, j + 1)) {
            inserted.get(s).forEach(r -> expected.add(s + " insert " + r));
            deleted.get(s).forEach(r -> expected.add(s + " delete " + r));
          }
          QueryResult got = reader.tableChanges("main", "events", from, to);
          List<String> actual = new ArrayList<>();
          for (List<Object> r : got.rows()) {
            actual.add(r.get(0) + " " + r.get(2) + " " + r.get(3) + "|" + r.get(4));
          }
          assertThat(actual)
              .as("changes of [%d, %d]", from, to)
              .containsExactlyInAnyOrderElementsOf(expected);
        }
      }
    }
  }

  private void assertOfficialLayout(DuckLake lake, long lastSnapshot, long lastDeletes)
      throws Exception {
    String deleteFiles = Lakes.t(lake, "ducklake_delete_file");
    for (long s : snapshots) {
      assertThat(
              Lakes.catalogRows(
                  lake,
                  "SELECT data_file_id FROM "
                      + deleteFiles
                      + " WHERE begin_snapshot <= "
                      + s
                      + " AND (end_snapshot IS NULL OR "
                      + s
                      + " < end_snapshot) GROUP BY data_file_id HAVING count(*) > 1"))
          .as("data files with several delete files visible at snapshot %d", s)
          .isEmpty();
    }
    Path tableDir = dir.resolve("data/main/events");
    List<List<String>> rows =
        Lakes.catalogRows(
            lake,
            "SELECT delete_file_id, data_file_id, begin_snapshot, end_snapshot, partial_max, path,"
                + " delete_count FROM "
                + deleteFiles
                + " ORDER BY delete_file_id");
    int tagged = 0;
    for (List<String> r : rows) {
      String file = "read_parquet('" + tableDir.resolve(r.get(5)) + "')";
      boolean hasTags =
          !rows("SELECT name FROM parquet_schema('"
                  + tableDir.resolve(r.get(5))
                  + "') WHERE name = '_ducklake_internal_snapshot_id'")
              .isEmpty();
      if (hasTags) {
        tagged++;
        // begin_snapshot is the earliest embedded snapshot, partial_max the latest
        assertThat(
                rows(
                    "SELECT min(_ducklake_internal_snapshot_id) || ' ' ||"
                        + " max(_ducklake_internal_snapshot_id) || ' ' || count(*) FROM "
                        + file))
            .as("delete file %s", r.get(0))
            .containsExactly(r.get(2) + " " + r.get(4) + " " + r.get(6));
      } else {
        assertThat(r.get(4)).as("partial_max of untagged delete file %s", r.get(0)).isNull();
      }
    }
    assertThat(tagged).isGreaterThan(0);

    // data file A (ids 0..999): one delete file listing each deleted row under the snapshot
    // that deleted it, as the mirror recorded
    List<List<String>> live =
        Lakes.catalogRows(
            lake,
            "SELECT path FROM " + deleteFiles + " WHERE data_file_id = 0 AND end_snapshot IS NULL");
    assertThat(live).hasSize(1);
    String fileA = "read_parquet('" + tableDir.resolve(live.get(0).get(0)) + "')";
    List<String> expectedTags = new ArrayList<>();
    for (int i = 1; i < snapshots.size(); i++) {
      long s = snapshots.get(i);
      long n =
          Long.parseLong(
              rows("SELECT count(*) FROM (SELECT id FROM contents_"
                      + snapshots.get(i - 1)
                      + " WHERE id < 1000 EXCEPT SELECT id FROM contents_"
                      + s
                      + ")")
                  .iterator()
                  .next());
      if (n > 0) {
        expectedTags.add(s + " " + n);
      }
    }
    assertThat(
            rows(
                "SELECT _ducklake_internal_snapshot_id || ' ' || count(*) FROM "
                    + fileA
                    + " GROUP BY _ducklake_internal_snapshot_id"))
        .containsExactlyInAnyOrderElementsOf(expectedTags);
    assertThat(expectedTags).contains(lastSnapshot + " " + lastDeletes);

    // A's delete files were replaced four times; each old file awaits cleanup, and no file written
    // for
    // the snapshot the late commit did not get is left behind
    List<List<String>> scheduled =
        Lakes.catalogRows(
            lake, "SELECT path FROM " + Lakes.t(lake, "ducklake_files_scheduled_for_deletion"));
    assertThat(scheduled).hasSize(4);
    Set<String> known = new HashSet<>();
    rows.forEach(r -> known.add(r.get(5)));
    scheduled.forEach(r -> known.add(Path.of(r.get(0)).getFileName().toString()));
    try (Stream<Path> files = Files.list(tableDir)) {
      assertThat(
              files
                  .map(p -> p.getFileName().toString())
                  .filter(n -> n.endsWith("-delete.parquet"))
                  .collect(Collectors.toSet()))
          .isEqualTo(known);
    }
  }

  private void append(DuckLake lake, int from, int to) throws SQLException {
    String query =
        "SELECT i AS id, 'k' || (i % 13) AS kind FROM range(" + from + ", " + to + ") r(i)";
    Transaction tx = lake.newTransaction();
    tx.append(EVENTS, duck, query);
    run("INSERT INTO mirror " + query);
    committed(tx.commit());
  }

  private void delete(DuckLake lake, String predicate) throws SQLException {
    Transaction tx = lake.newTransaction();
    assertThat(tx.deleteWhere(EVENTS, duck, predicate)).isEqualTo(count(predicate));
    run("DELETE FROM mirror WHERE " + predicate);
    committed(tx.commit());
  }

  private long count(String predicate) {
    return Long.parseLong(
        Lakes.query(duck, "SELECT count(*) FROM mirror WHERE " + predicate).get(0).get(0));
  }

  private void committed(CommitResult result) throws SQLException {
    long s = result.snapshotId();
    snapshots.add(s);
    run("CREATE TABLE contents_" + s + " AS SELECT * FROM mirror");
  }

  private void run(String sql) throws SQLException {
    try (Statement s = duck.createStatement()) {
      s.execute(sql);
    }
  }

  private Set<String> rows(String sql) {
    Set<String> out = new HashSet<>();
    for (List<String> r : Lakes.query(duck, sql)) {
      out.add(String.join("|", r));
    }
    return out;
  }

  private static List<String> strings(QueryResult result) {
    List<String> out = new ArrayList<>();
    for (List<Object> r : result.rows()) {
      out.add(r.get(0) + "|" + r.get(1));
    }
    return out;
  }
}
