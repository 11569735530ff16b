package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.Incremental;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.DuckLakeOptions;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.maintenance.LakeMaintenance;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.read.Snapshot;
import dev.ducklift.ducklake.storage.S3Server;
import dev.ducklift.ducklake.storage.StorageLocation;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lakes whose data path is a bucket of a real S3 API server on loopback. */
class S3LakeIT {
  static S3Server server;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    server = S3Server.start();
    server.createBucket("lake");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private StorageLocation bucket(String prefix) {
    return StorageLocation.s3("s3://lake/" + prefix + "/", server.settings())
        .withCache(dir.resolve("cache"), 64L << 20)
        .withSpool(dir.resolve("spool"));
  }

  private CatalogLocation catalog(String name) {
    return CatalogLocation.duckdb(dir.resolve(name + ".ducklake"));
  }

  private void run(String name, StorageLocation storage, Resource resource) {
    DuckLakeDestination destination =
        DuckLakeDestination.builder().catalog(catalog(name)).storage(storage).build();
    try (Pipeline p =
        Pipeline.builder("p1")
            .workingDirectory(dir.resolve("work-" + name))
            .destination(destination)
            .resource(resource)
            .build()) {
      p.run();
    }
  }

  private static Map<String, Object> event(int id, long ts, String value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("ts", ts);
    m.put("value", value);
    m.put("amount", new BigDecimal(id + ".25"));
    m.put("flag", id % 2 == 0);
    m.put("at", "2024-05-0" + (1 + id % 9) + "T10:00:00Z");
    m.put("tags", List.of("t" + id % 3, "u"));
    m.put("nested", Map.of("k", id, "s", "x" + id));
    return m;
  }

  private static Resource events(WriteDisposition d, int from, int to, String value) {
    ResourceSpec spec =
        ResourceSpec.builder("events")
            .primaryKey("id")
            .writeDisposition(d)
            .incremental(Incremental.on("ts").withLag(1_000_000L))
            .build();
    List<Map<String, Object>> records = new ArrayList<>();
    IntStream.rangeClosed(from, to).forEach(i -> records.add(event(i, i, value + i)));
    return Resources.ofRecords(spec, records, 7);
  }

  /** The same loads into a lake: append, merge (updating keys), insert-new, replace of another. */
  private void loads(String name, StorageLocation storage) {
    run(name, storage, events(WriteDisposition.APPEND, 1, 40, "a"));
    run(name, storage, events(WriteDisposition.MERGE, 30, 60, "m"));
    run(name, storage, events(WriteDisposition.INSERT_NEW, 50, 80, "i"));
    ResourceSpec other =
        ResourceSpec.builder("other").writeDisposition(WriteDisposition.REPLACE).build();
    List<Map<String, Object>> rows = new ArrayList<>();
    IntStream.rangeClosed(1, 5).forEach(i -> rows.add(Map.of("k", i, "v", "r" + i)));
    run(name, storage, Resources.ofRecords(other, rows, 7));
    run(name, storage, Resources.ofRecords(other, rows.subList(0, 2), 7));
  }

  private static List<String> rows(LakeSession session, String sql) {
    List<String> out = new ArrayList<>();
    for (List<Object> row : session.sql(sql).rows()) {
      out.add(String.join("|", row.stream().map(Objects::toString).toList()));
    }
    return out;
  }

  /** The query with its catalog tables qualified as the reader's catalog names them. */
  private static String qualified(LakeReader reader, String sql) {
    return java.util.regex.Pattern.compile("\\bducklake_[a-z_]+")
        .matcher(sql)
        .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(reader.catalogTable(m.group())));
  }

  private static List<String> catalogRows(LakeReader reader, String sql) {
    List<String> out = new ArrayList<>();
    reader.query(
        qualified(reader, sql),
        List.of(),
        rs -> {
          List<String> cols = new ArrayList<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            cols.add(String.valueOf(rs.getObject(i)));
          }
          out.add(String.join("|", cols));
        });
    return out;
  }

  /** Every query result at every snapshot of a lake, in snapshot order. */
  private static List<String> history(LakeReader reader) {
    List<String> out = new ArrayList<>();
    for (Snapshot s : reader.snapshots()) {
      try (LakeSession session = reader.at(s.id())) {
        if (session.tables().stream().anyMatch(t -> t.name().equals("events"))) {
          out.add(
              s.id()
                  + ": "
                  + rows(
                      session,
                      "SELECT id, ts, value, amount, flag, \"at\" FROM main.events ORDER BY id"));
        }
      }
    }
    return out;
  }

  @Test
  void loadsIntoABucketRecordTheSameCatalogRowsAndReadTheSameAtEverySnapshotAsIntoADirectory() {
    loads("s3", bucket("same"));
    loads("local", StorageLocation.local(dir.resolve("data")));
    String dataFiles =
        "SELECT t.table_name, f.begin_snapshot, f.end_snapshot, f.path LIKE 'ducklake-%.parquet'"
            + " AND f.path NOT LIKE '%/%', f.path_is_relative, f.record_count, f.file_size_bytes,"
            + " f.footer_size, f.row_id_start FROM ducklake_data_file f JOIN ducklake_table t"
            + " USING (table_id) WHERE t.end_snapshot IS NULL ORDER BY 1, 2, 6, 7";
    String deleteFiles =
        "SELECT begin_snapshot, end_snapshot, path LIKE 'ducklake-%-delete.parquet' AND path"
            + " NOT LIKE '%/%', path_is_relative, delete_count FROM ducklake_delete_file ORDER"
            + " BY 1, 5";
    // statistics of the loaded columns (the bookkeeping columns hold load ids and times)
    String stats =
        "SELECT t.table_name, c.column_name, s.value_count, s.null_count, s.min_value,"
            + " s.max_value FROM ducklake_file_column_stats s JOIN ducklake_data_file f USING"
            + " (data_file_id) JOIN ducklake_table t ON t.table_id = f.table_id AND"
            + " t.end_snapshot IS NULL JOIN ducklake_column c ON c.table_id = f.table_id AND"
            + " c.column_id = s.column_id AND c.end_snapshot IS NULL WHERE t.table_name IN"
            + " ('events', 'other') AND c.column_name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY"
            + " f.begin_snapshot, f.record_count, 1, 2, 5";
    String snapshots =
        "SELECT snapshot_id, schema_version, next_catalog_id, next_file_id FROM"
            + " ducklake_snapshot ORDER BY 1";
    try (DuckLake s3 = DuckLake.open(catalog("s3"), bucket("same"), DuckLakeOptions.DEFAULTS);
        DuckLake local = DuckLake.open(catalog("local"), dir.resolve("data"));
        LakeReader r3 = LakeReader.open(s3);
        LakeReader rl = LakeReader.open(local)) {
      assertThat(r3.dataPath()).isEqualTo("s3://lake/same/");
      assertThat(catalogRows(r3, "SELECT value FROM ducklake_metadata WHERE key = 'data_path'"))
          .containsExactly("s3://lake/same/");
      for (String sql : List.of(dataFiles, deleteFiles, stats, snapshots)) {
        assertThat(catalogRows(r3, sql)).as(sql).isEqualTo(catalogRows(rl, sql)).isNotEmpty();
      }
      assertThat(history(r3)).isEqualTo(history(rl)).hasSizeGreaterThan(2);
      try (LakeSession a = r3.latest();
          LakeSession b = rl.latest()) {
        assertThat(rows(a, "SELECT k, v FROM main.other ORDER BY k"))
            .isEqualTo(rows(b, "SELECT k, v FROM main.other ORDER BY k"))
            .hasSize(2);
      }
      LakeRows.assertVerifies(s3);
      assertThat(unreferencedObjects(r3, "same")).isEmpty();
    }
  }

  /** Objects under the prefix that no catalog row (data, delete or scheduled file) names. */
  private static Set<String> unreferencedObjects(LakeReader reader, String prefix) {
    Set<String> referenced = new HashSet<>();
    reader.query(
        qualified(
            reader,
            "SELECT path FROM ducklake_data_file UNION ALL SELECT path FROM ducklake_delete_file"
                + " UNION ALL SELECT path FROM ducklake_files_scheduled_for_deletion"),
        List.of(),
        rs -> referenced.add(rs.getString(1).substring(rs.getString(1).lastIndexOf('/') + 1)));
    Set<String> out = new HashSet<>();
    for (String key : server.keys("lake")) {
      if (key.startsWith(prefix + "/")
          && !referenced.contains(key.substring(key.lastIndexOf('/') + 1))) {
        out.add(key);
      }
    }
    return out;
  }

  @Test
  void maintenanceMergesExpiresAndCleansUpObjectsKeepingEveryRemainingSnapshotIdentical() {
    StorageLocation storage = bucket("maint");
    for (int i = 0; i < 4; i++) {
      run("maint", storage, events(WriteDisposition.APPEND, i * 10 + 1, i * 10 + 10, "a"));
    }
    run("maint", storage, events(WriteDisposition.MERGE, 5, 15, "m"));
    try (DuckLake lake = DuckLake.open(catalog("maint"), storage, DuckLakeOptions.DEFAULTS);
        LakeReader reader = LakeReader.open(lake)) {
      LakeMaintenance m = new LakeMaintenance(reader);
      int keysBefore = server.keys("lake").size();
      List<String> before = history(reader);
      m.mergeAdjacentFiles("main", "events", 1L << 30);
      List<String> afterMerge = history(reader);
      assertThat(afterMerge.subList(0, before.size())).isEqualTo(before);
      m.expireKeepingLast(1, false);
      var cleanup = m.cleanupOldFiles(Instant.now().plusSeconds(60), false);
      assertThat(cleanup.deletedFiles())
          .isNotEmpty()
          .allMatch(f -> f.startsWith("s3://lake/maint/"));
      List<String> remaining = history(reader);
      assertThat(remaining).hasSize(1);
      assertThat(remaining.get(0).substring(remaining.get(0).indexOf(':')))
          .isEqualTo(
              before.get(before.size() - 1).substring(before.get(before.size() - 1).indexOf(':')));
      assertThat(server.keys("lake").size()).isLessThan(keysBefore);
      assertThat(unreferencedObjects(reader, "maint")).isEmpty();
      LakeRows.assertVerifies(lake);
    }
  }

  @Test
  void aMissingObjectIsReportedByVerifyNamingItsKey() {
    StorageLocation storage = bucket("missing");
    run("missing", storage, events(WriteDisposition.APPEND, 1, 10, "a"));
    try (DuckLake lake = DuckLake.open(catalog("missing"), storage, DuckLakeOptions.DEFAULTS);
        LakeReader reader = LakeReader.open(lake)) {
      String gone =
          server.keys("lake").stream()
              .filter(k -> k.startsWith("missing/main/events/"))
              .findFirst()
              .orElseThrow();
      lake.files().storage().delete("s3://lake/" + gone);
      var report = dev.ducklift.ducklake.verify.LakeVerifier.verify(reader);
      assertThat(report.toString()).contains(gone).contains("does not exist");
    }
  }

  @Test
  void anUnknownBucketFailsTheRunNamingTheBucketBeforeAnythingIsWritten() {
    StorageLocation nowhere =
        StorageLocation.s3("s3://no-such-bucket/lake/", server.settings())
            .withCache(dir.resolve("cache"), 1 << 20)
            .withSpool(dir.resolve("spool"));
    assertThatThrownBy(() -> run("nowhere", nowhere, events(WriteDisposition.APPEND, 1, 3, "a")))
        .hasStackTraceContaining("no-such-bucket")
        .hasStackTraceContaining("does not exist");
  }
}
