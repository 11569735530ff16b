package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.Incremental;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.TableRunResult;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.maintenance.LakeMaintenance;
import dev.ducklift.ducklake.maintenance.MergeResult;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads into partitioned tables through the pipeline: each disposition writes hive-partitioned
 * files, prunes by partition values, and every snapshot reads as a replay of the loads computes.
 */
class PartitionedPromoteIT {
  private static final LocalDateTime MARCH = LocalDateTime.parse("2025-03-01T00:00:00");

  @TempDir Path dir;

  private CatalogLocation catalog() {
    return CatalogLocation.duckdb(dir.resolve("catalog.ducklake"));
  }

  private RunResult run(Resource resource) {
    return run(resource, "work");
  }

  private RunResult run(Resource resource, String work) {
    try (Pipeline p =
        Pipeline.builder("p1")
            .workingDirectory(dir.resolve(work))
            .destination(
                DuckLakeDestination.builder()
                    .catalog(catalog())
                    .dataPath(dir.resolve("data"))
                    .build())
            .resource(resource)
            .build()) {
      return p.run();
    }
  }

  /** An event whose timestamp is {@code hours} hours into March 2025. */
  private static Map<String, Object> event(int id, String region, int hours, String value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("region", region);
    m.put("ts", MARCH.plusHours(hours));
    m.put("value", value);
    return m;
  }

  private static Resource events(
      WriteDisposition d, List<Map<String, Object>> records, String... partitionBy) {
    ResourceSpec.Builder spec =
        ResourceSpec.builder("events").writeDisposition(d).partitionBy(partitionBy);
    if (d == WriteDisposition.MERGE) {
      spec.primaryKey("region", "id");
    } else if (d == WriteDisposition.INSERT_NEW) {
      spec.primaryKey("id").incremental(Incremental.on("ts"));
    }
    return Resources.ofRecords(spec.build(), records, 10);
  }

  /** The rows a replay of the loads leaves, as {@code id|region|ts|value}, ordered. */
  private static List<String> rows(Map<String, Map<String, Object>> byKey) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> e : byKey.values()) {
      out.add(
          e.get("id")
              + "|"
              + e.get("region")
              + "|"
              + e.get("ts").toString().replace('T', ' ')
              + "|"
              + e.get("value"));
    }
    out.sort(null);
    return out;
  }

  private List<String> read(long snapshot) {
    try (DuckLake lake = DuckLake.open(catalog(), dir.resolve("data"));
        LakeReader reader = LakeReader.open(lake);
        LakeSession session = reader.at(snapshot)) {
      List<String> out = new ArrayList<>();
      for (List<Object> row :
          session
              .sql(
                  "SELECT id, region, strftime(ts, '%Y-%m-%d %H:%M'), value FROM main.events"
                      + " ORDER BY ALL")
              .rows()) {
        out.add(String.join("|", row.stream().map(Objects::toString).toList()));
      }
      out.sort(null);
      return out;
    }
  }

  /** The hive directories of the live files of table events, in path order. */
  private List<String> partitionDirectories() {
    try (DuckLake lake = DuckLake.open(catalog(), dir.resolve("data"));
        Connection c = lake.catalog().connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT regexp_replace(f.path, 'ducklake-[^/]*[.]parquet$', '') FROM "
                    + lake.catalog().table("ducklake_data_file")
                    + " f JOIN "
                    + lake.catalog().table("ducklake_table")
                    + " t ON t.table_id = f.table_id AND t.end_snapshot IS NULL"
                    + " WHERE t.table_name = 'events' AND f.end_snapshot IS NULL ORDER BY 1")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void insertNewWritesOneFilePerDayPrunesOtherDaysAndCompactionKeepsTheDays() {
    Map<String, Map<String, Object>> lake = new TreeMap<>();
    List<Map<String, Object>> first = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      first.add(event(i, i % 2 == 0 ? "eu" : "us", (i - 1) * 3, "a" + i)); // days 1..4
    }
    RunResult r1 = run(events(WriteDisposition.INSERT_NEW, first, "day(ts)"));
    first.forEach(e -> lake.put(String.format("%05d", (Integer) e.get("id")), e));
    long s1 = r1.snapshotIds().get(0);
    List<String> afterFirst = rows(lake);
    assertThat(read(s1)).containsExactlyElementsOf(afterFirst);
    assertThat(partitionDirectories()).containsExactly("day=1/", "day=2/", "day=3/", "day=4/");

    List<Map<String, Object>> second = new ArrayList<>();
    for (int i = 28; i <= 40; i++) {
      // ids 28..30 are in the lake already, with the same timestamps: the cursor drops 28 and
      // 29, the key check skips 30
      second.add(event(i, "eu", (i - 1) * 3, i <= 30 ? "dup" + i : "b" + i));
    }
    RunResult r2 = run(events(WriteDisposition.INSERT_NEW, second, "day(ts)"));
    TableRunResult t = r2.table("events").orElseThrow();
    assertThat(t.rowsInserted()).isEqualTo(10);
    assertThat(t.skippedDuplicates()).isEqualTo(1);
    // the load spans days 4 and 5: the files of days 1 to 3 are skipped unread
    assertThat(t.notes()).contains("4 live file(s), 3 pruned by partition values");
    second.stream()
        .filter(e -> (Integer) e.get("id") > 30)
        .forEach(e -> lake.put(String.format("%05d", (Integer) e.get("id")), e));
    assertThat(read(s1)).containsExactlyElementsOf(afterFirst);
    assertThat(read(t.snapshotId())).containsExactlyElementsOf(rows(lake));
    assertThat(partitionDirectories())
        .containsExactly("day=1/", "day=2/", "day=3/", "day=4/", "day=4/", "day=5/");

    // compaction merges the two files of day 4 only, into that day's directory
    MergeResult merged;
    try (DuckLake l = DuckLake.open(catalog(), dir.resolve("data"));
        LakeReader reader = LakeReader.open(l)) {
      merged = new LakeMaintenance(reader).mergeAdjacentFiles("main", "events", 1 << 20);
    }
    assertThat(merged.merges())
        .singleElement()
        .satisfies(m -> assertThat(m.path()).contains("/day=4/"));
    assertThat(partitionDirectories())
        .containsExactly("day=1/", "day=2/", "day=3/", "day=4/", "day=5/");
    assertThat(read(s1)).containsExactlyElementsOf(afterFirst);
    assertThat(read(t.snapshotId())).containsExactlyElementsOf(rows(lake));
    assertThat(read(merged.snapshotId())).containsExactlyElementsOf(rows(lake));
    try (DuckLake l = DuckLake.open(catalog(), dir.resolve("data"))) {
      LakeRows.assertVerifies(l);
    }
  }

  @Test
  void mergeSearchesOnlyThePartitionsOfItsKeysAndReplaceEndsEveryPartition() {
    Map<String, Map<String, Object>> lake = new TreeMap<>();
    List<Map<String, Object>> first = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      first.add(event(i, List.of("eu", "us", "apac").get(i % 3), i, "a" + i));
    }
    RunResult r1 = run(events(WriteDisposition.MERGE, first, "region"));
    first.forEach(e -> lake.put(e.get("region") + "/" + e.get("id"), e));
    List<String> afterFirst = rows(lake);
    long s1 = r1.snapshotIds().get(0);

    List<Map<String, Object>> second = new ArrayList<>();
    for (int i = 1; i <= 20; i += 3) {
      second.add(event(i, "us", 100 + i, "b" + i)); // updates for the us rows, inserts for others
    }
    RunResult r2 = run(events(WriteDisposition.MERGE, second, "region"));
    TableRunResult t = r2.table("events").orElseThrow();
    assertThat(t.notes()).contains("delete search: 3 live file(s), 2 pruned by partition values");
    second.forEach(e -> lake.put(e.get("region") + "/" + e.get("id"), e));
    List<String> afterMerge = rows(lake);
    assertThat(t.rowsReplaced() + t.rowsInserted()).isEqualTo(second.size());
    assertThat(read(s1)).containsExactlyElementsOf(afterFirst);
    assertThat(read(t.snapshotId())).containsExactlyElementsOf(afterMerge);

    List<Map<String, Object>> third = List.of(event(7, "eu", 500, "c7"), event(8, "", 501, "c8"));
    RunResult r3 = run(events(WriteDisposition.REPLACE, third, "region"));
    long s3 = r3.table("events").orElseThrow().snapshotId();
    Map<String, Map<String, Object>> replaced = new TreeMap<>();
    third.forEach(e -> replaced.put(e.get("region") + "/" + e.get("id"), e));
    assertThat(read(s3)).containsExactlyElementsOf(rows(replaced));
    assertThat(read(s1)).containsExactlyElementsOf(afterFirst);
    assertThat(read(t.snapshotId())).containsExactlyElementsOf(afterMerge);
    try (DuckLake l = DuckLake.open(catalog(), dir.resolve("data"))) {
      LakeRows.assertVerifies(l);
    }
  }

  @Test
  void aPartitionKeyOnAColumnTheRowsDoNotHaveFailsTheLoadBeforeAnythingIsCommitted() {
    List<Map<String, Object>> rows = List.of(event(1, "eu", 1, "a"));
    assertThatThrownBy(() -> run(events(WriteDisposition.APPEND, rows, "month(created)"), "w1"))
        .hasMessageContaining("Table main.events: partition key 'month(created)' names no column");
    assertThatThrownBy(() -> run(events(WriteDisposition.APPEND, rows, "year(value)"), "w2"))
        .hasMessageContaining(
            "Table main.events: partition key 'year(value)': year does not apply to column value"
                + " of type varchar");
    try (DuckLake lake = DuckLake.open(catalog(), dir.resolve("data"));
        Connection c = lake.catalog().connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM "
                    + lake.catalog().table("ducklake_table")
                    + " WHERE table_name = 'events'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
