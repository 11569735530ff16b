package dev.ducklift.benchmarks.promote;

import dev.ducklift.core.MergeHints;
import dev.ducklift.core.MergeStrategy;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.core.spi.StagedTable;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The cost of the merge strategies against plain upsert: SCD2 and delete-insert promote the same
 * staged load as upsert, into tables of the same rows.
 *
 * <p>Three tables of {@code size} customers (ids {@code 0..size-1}, 10,000 customers a {@code day =
 * id / 10000}) are built through the destination itself, in ten loads (so ten files, ordered by
 * id): {@code upsert} (merge by id), {@code delete_insert} (merge key {@code day}, primary key id)
 * and {@code scd2} (primary key id, incremental by {@code updated_at}, so only keys in the load are
 * compared). Then three loads of {@code batch} customers (a contiguous block of whole days in the
 * middle of the table; in load {@code r} the customers with {@code id % 10 == r} changed their
 * name, the others are staged as they are) are promoted into each table; the median of each
 * strategy is reported as a ratio to upsert's, with the notes saying how many files each promote
 * read.
 *
 * <p>Arguments: {@code [table rows] [batch rows] [work directory]}; defaults {@code 10000000 100000
 * <temp dir>}.
 */
public final class MergeStrategyBenchmark {
  private static final int LOADS = 3;
  private static final int BUILD_LOADS = 10;

  private static final TableSchema SCHEMA =
      new TableSchema(
          "customers",
          null,
          List.of(
              Column.of("id", DataType.BIGINT),
              Column.of("day", DataType.BIGINT),
              Column.of("name", DataType.TEXT),
              Column.of("city", DataType.TEXT),
              Column.of("amount", DataType.DOUBLE),
              Column.of("updated_at", DataType.TIMESTAMPTZ),
              Column.of(TableSchema.LOAD_ID, DataType.TEXT),
              Column.of(TableSchema.ROW_ID, DataType.UUID)));

  private MergeStrategyBenchmark() {}

  public static void main(String[] args) throws Exception {
    long size = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    long batch = args.length > 1 ? Long.parseLong(args[1]) : 100_000L;
    Path work =
        args.length > 2
            ? Files.createDirectories(Path.of(args[2]))
            : Files.createTempDirectory("ducklift-merge-bench");
    System.out.printf(
        "Merge strategy benchmark: table %,d rows, batch %,d rows (10%% changed), work dir %s%n",
        size, batch, work);
    Map<String, MergeHints> strategies = new LinkedHashMap<>();
    strategies.put("upsert", MergeHints.NONE);
    strategies.put(
        "delete-insert",
        MergeHints.builder().strategy(MergeStrategy.DELETE_INSERT).mergeKey("day").build());
    strategies.put("scd2", MergeHints.builder().strategy(MergeStrategy.SCD2).build());

    Path lakeDir = work.resolve("lake");
    CatalogLocation catalog = CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake"));
    Map<String, List<Double>> times = new LinkedHashMap<>();
    Map<String, String> notes = new LinkedHashMap<>();
    try (DuckLakeDestination destination =
        DuckLakeDestination.builder().catalog(catalog).dataPath(lakeDir.resolve("data")).build()) {
      long t0 = System.nanoTime();
      for (Map.Entry<String, MergeHints> s : strategies.entrySet()) {
        long chunk = size / BUILD_LOADS;
        for (int i = 0; i < BUILD_LOADS; i++) {
          long from = i * chunk;
          long to = i == BUILD_LOADS - 1 ? size : from + chunk;
          promote(destination, work, s.getKey(), s.getValue(), from, to, -1);
        }
      }
      System.out.printf("tables built in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      long from = (size / 2 / 10_000) * 10_000;
      for (int r = 0; r < LOADS; r++) {
        for (Map.Entry<String, MergeHints> s : strategies.entrySet()) {
          long p0 = System.nanoTime();
          PromoteResult.TableWriteResult t =
              promote(destination, work, s.getKey(), s.getValue(), from, from + batch, r);
          double ms = (System.nanoTime() - p0) / 1e6;
          times.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(ms);
          notes.put(s.getKey(), t.notes());
          System.out.printf(
              "  load %d %-13s %8.0f ms  inserted %d replaced %d deleted %d skipped %d: %s%n",
              r,
              s.getKey(),
              ms,
              t.inserted(),
              t.replaced(),
              t.deleted(),
              t.skippedDuplicates(),
              t.notes());
        }
      }
    }
    double upsert = median(times.get("upsert"));
    System.out.println();
    System.out.println("strategy      | promote ms (median) | ratio to upsert | files read");
    for (String s : strategies.keySet()) {
      double m = median(times.get(s));
      System.out.printf("%-13s | %19.0f | %15.2f | %s%n", s, m, m / upsert, notes.get(s));
    }
    deleteRecursively(work);
  }

  /**
   * Stages customers {@code from..to-1} and promotes them into the strategy's table. In load {@code
   * r} (or none for {@code r < 0}) the customers with {@code id % 10 <= r} have had their name
   * changed, those with {@code id % 10 == r} in this very load.
   */
  private static PromoteResult.TableWriteResult promote(
      DuckLakeDestination destination,
      Path work,
      String strategy,
      MergeHints hints,
      long from,
      long to,
      int r)
      throws SQLException, IOException {
    String table = strategy.replace('-', '_');
    String loadId = table + "_" + from + "_" + r + "_" + System.nanoTime();
    Path staging = work.resolve("staging-" + loadId + ".duckdb");
    try (Connection stage = DriverManager.getConnection("jdbc:duckdb:" + staging);
        Statement s = stage.createStatement()) {
      s.execute("CREATE SCHEMA \"load\"");
      s.execute(
          "CREATE TABLE \"load\".\""
              + table
              + "\" AS SELECT id, id // 10000 AS day, CASE WHEN id % 10 <= "
              + r
              + " THEN 'name ' || id || ' v' || (id % 10) ELSE 'name ' || id END AS name,"
              + " 'city ' || (id % 997) AS city, (id % 1000) / 10.0 AS amount,"
              + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(id) AS updated_at, '"
              + loadId
              + "' AS _dl_load_id, CAST(md5(CAST(id AS VARCHAR)) AS UUID) AS _dl_id FROM range("
              + from
              + ", "
              + to
              + ") t(id)");
      TableSchema schema = new TableSchema(table, null, SCHEMA.columns());
      StagedLoad load =
          new StagedLoad(
              "bench",
              loadId,
              stage,
              List.of(
                  new StagedTable(
                      schema,
                      "\"load\".\"" + table + "\"",
                      to - from,
                      WriteDisposition.MERGE,
                      List.of("id"),
                      "updated_at",
                      List.of(),
                      hints)),
              PipelineState.empty("bench"));
      return destination.promote(load).tables().get(0);
    } finally {
      Files.deleteIfExists(staging);
      Files.deleteIfExists(work.resolve("staging-" + loadId + ".duckdb.wal"));
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
