package dev.ducklift.benchmarks.promote;

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Promote throughput of big loads against a bare Parquet {@code COPY} of the same staged tables.
 *
 * <p>Two loads are staged the way the pipeline runtime lays them out (schema {@code load_<id>}, a
 * root table with {@code _dl_load_id}/{@code _dl_id} and a child table with {@code _dl_id}/{@code
 * _dl_parent_id}/{@code _dl_list_idx}, UUID row ids): load 1 holds {@code N} root rows of 14 data
 * columns (about 0.5 KB each) and about 3.5 child rows per root row; load 2 holds the same {@code
 * N} records again (same key, same cursor, as a re-extraction delivers them) plus {@code N/10} new
 * ones. Per round, four promotes with {@link DuckLakeDestination} into DuckLakes with a DuckDB-file
 * catalog:
 *
 * <ul>
 *   <li>append of load 1 into an empty lake;
 *   <li>insert-new of load 1 into an empty lake;
 *   <li>insert-new of load 2 into the lake holding load 1 (91% of the records are duplicates);
 *   <li>merge of load 2 into the lake holding load 1 (every old record and its child rows
 *       replaced).
 * </ul>
 *
 * <p>The baseline, timed in the same round: {@code COPY (SELECT * FROM <staged table>) TO <dir>
 * (FORMAT parquet, FIELD_IDS 'auto', RETURN_STATS true)} of every table of the load, on the staging
 * connection. Figures are the best of the rounds, in wall time and in process CPU time (which moves
 * less on a shared machine); every promote's counts are checked.
 *
 * <p>Arguments: {@code [root rows] [rounds] [work directory]}; defaults {@code 1000000 2 <temp
 * dir>}.
 */
public final class PromoteThroughputBenchmark {
  private static final String ROOT = "records";
  private static final String CHILD = "records__items";
  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private PromoteThroughputBenchmark() {}

  private static final TableSchema ROOT_SCHEMA =
      new TableSchema(
          ROOT,
          null,
          List.of(
              Column.of(TableSchema.LOAD_ID, DataType.TEXT),
              Column.of(TableSchema.ROW_ID, DataType.UUID),
              Column.of("id", DataType.BIGINT),
              Column.of("updated_at", DataType.TIMESTAMPTZ),
              Column.of("created_at", DataType.TIMESTAMPTZ),
              Column.of("name", DataType.TEXT),
              Column.of("email", DataType.TEXT),
              Column.of("status", DataType.TEXT),
              Column.of("score", DataType.DOUBLE),
              Column.of("active", DataType.BOOLEAN),
              Column.of("visits", DataType.BIGINT),
              Column.of("address__city", DataType.TEXT),
              Column.of("address__country", DataType.TEXT),
              Column.of("address__zip", DataType.TEXT),
              Column.of("owner__id", DataType.BIGINT),
              Column.of("description", DataType.TEXT)));

  private static final TableSchema CHILD_SCHEMA =
      new TableSchema(
          CHILD,
          ROOT,
          List.of(
              Column.of(TableSchema.ROW_ID, DataType.UUID),
              Column.of(TableSchema.PARENT_ID, DataType.UUID),
              Column.of(TableSchema.LIST_INDEX, DataType.BIGINT),
              Column.of("sku", DataType.TEXT),
              Column.of("quantity", DataType.BIGINT),
              Column.of("price", DataType.DOUBLE),
              Column.of("note", DataType.TEXT)));

  /** A staged load: its id, root and child row counts. */
  private record Staged(String loadId, long roots, long children) {
    String relation(String table) {
      return "\"load_" + loadId + "\".\"" + table + "\"";
    }
  }

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path work =
        args.length > 2
            ? Files.createDirectories(Path.of(args[2]))
            : Files.createTempDirectory("ducklift-promote-throughput");
    System.out.printf(
        "Promote throughput: %,d root rows (+%,d new in load 2), %d round(s), work dir %s%n",
        n, n / 10, rounds, work);
    // a kept work directory keeps its staged loads for the next run with the same size
    Path stagingFile = work.resolve("staging-" + n + ".duckdb");
    boolean reuse = Files.exists(stagingFile);
    try (Connection stage = DriverManager.getConnection("jdbc:duckdb:" + stagingFile)) {
      long t0 = System.nanoTime();
      Staged load1 = reuse ? staged(stage, "1") : stage(stage, "1", 0, n, 0);
      Staged load2 = reuse ? staged(stage, "2") : stage(stage, "2", 0, n + n / 10, n);
      System.out.printf(
          "staged load 1 (%,d + %,d rows) and load 2 (%,d + %,d rows) in %.1f s%n",
          load1.roots(),
          load1.children(),
          load2.roots(),
          load2.children(),
          (System.nanoTime() - t0) / 1e9);

      Map<String, List<double[]>> times = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        Path dir = work.resolve("round-" + round);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        time(times, "COPY load 1", () -> baseline(stage, load1, dir.resolve("copy-1")));
        time(times, "COPY load 2", () -> baseline(stage, load2, dir.resolve("copy-2")));
        try (DuckLakeDestination a = destination(dir.resolve("lake-a"))) {
          time(
              times,
              "insert-new into empty",
              () -> promote(a, stage, load1, WriteDisposition.INSERT_NEW, n, 0, load1.children()));
          time(
              times,
              "insert-new, 91% duplicates",
              () ->
                  promote(
                      a,
                      stage,
                      load2,
                      WriteDisposition.INSERT_NEW,
                      n / 10,
                      n,
                      childrenOf(n, n + n / 10)));
        }
        try (DuckLakeDestination b = destination(dir.resolve("lake-b"))) {
          time(
              times,
              "append into empty",
              () -> promote(b, stage, load1, WriteDisposition.APPEND, n, 0, load1.children()));
          time(
              times,
              "merge, 91% replaced",
              () -> promote(b, stage, load2, WriteDisposition.MERGE, n / 10, 0, load2.children()));
        }
        deleteRecursively(dir);
        System.out.println();
      }

      double[] copy1 = best(times.get("COPY load 1"));
      double[] copy2 = best(times.get("COPY load 2"));
      System.out.println(
          "step                        | wall ms | ratio to COPY | process CPU ms | CPU ratio");
      for (Map.Entry<String, List<double[]>> e : times.entrySet()) {
        double[] m = best(e.getValue());
        double[] base =
            e.getKey().contains("empty") || e.getKey().equals("COPY load 1") ? copy1 : copy2;
        System.out.printf(
            "%-27s | %7.0f | %13.2f | %14.0f | %9.2f%n",
            e.getKey(), m[0], m[0] / base[0], m[1], m[1] / base[1]);
      }
    }
    if (args.length <= 2) {
      deleteRecursively(work);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Records {wall ms, process CPU ms} of a step (CPU includes DuckDB's native threads). */
  private static void time(Map<String, List<double[]>> times, String name, Step step)
      throws Exception {
    long cpu0 = CPU.getProcessCpuTime();
    long t0 = System.nanoTime();
    step.run();
    double ms = (System.nanoTime() - t0) / 1e6;
    double cpuMs = (CPU.getProcessCpuTime() - cpu0) / 1e6;
    times.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {ms, cpuMs});
    System.out.printf("  %-27s %8.0f ms wall, %8.0f ms CPU%n", name, ms, cpuMs);
  }

  private static DuckLakeDestination destination(Path dir) {
    return DuckLakeDestination.builder()
        .catalog(CatalogLocation.duckdb(dir.resolve("catalog.ducklake")))
        .dataPath(dir.resolve("data"))
        .build();
  }

  /** Child rows of root ids {@code [from, to)}: id % 8 each. */
  private static long childrenOf(long from, long to) {
    long total = 0;
    for (long i = from; i < to; i++) {
      total += i % 8;
    }
    return total;
  }

  /**
   * Stages root ids {@code [from, to)} as load {@code id}; record {@code i} always has the same
   * content and cursor, so a re-staged record is a duplicate. Rows are shuffled, the new ones
   * ({@code newFrom} on) are staged in random order after the earlier ones.
   */
  private static Staged stage(Connection c, String id, long from, long to, long newFrom)
      throws SQLException {
    String schema = "\"load_" + id + "\"";
    try (Statement s = c.createStatement()) {
      // as the pipeline's staging database stores them
      s.execute("SET force_compression = 'uncompressed'");
      s.execute("CREATE SCHEMA " + schema);
      s.execute(
          "CREATE TABLE "
              + schema
              + ".\""
              + ROOT
              + "\" AS SELECT '"
              + id
              + "' AS _dl_load_id, uuid() AS _dl_id, i AS id,"
              + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) AS updated_at,"
              + " TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_seconds(i // 2) AS created_at,"
              + " 'user ' || i AS name, 'user' || i || '@example.com' AS email,"
              + " ['new', 'active', 'blocked'][1 + i % 3] AS status, (i % 1000) / 7.0 AS score,"
              + " i % 2 = 0 AS active, i * 31 % 10007 AS visits, 'city ' || (i % 5000) AS"
              + " address__city, 'country ' || (i % 200) AS address__country,"
              + " lpad(CAST(i % 100000 AS VARCHAR), 5, '0') AS address__zip, i % 50000 AS owner__id,"
              + " repeat('lorem ipsum ' || (i % 97) || ' ', 20) AS description"
              + " FROM range("
              + from
              + ", "
              + to
              + ") t(i) ORDER BY i >= "
              + newFrom
              + ", hash(i)");
      s.execute(
          "CREATE TABLE "
              + schema
              + ".\""
              + CHILD
              + "\" AS SELECT uuid() AS _dl_id, _dl_id AS _dl_parent_id, j AS _dl_list_idx,"
              + " 'sku-' || ((id * 7 + j) % 100000) AS sku, (id + j) % 9 + 1 AS quantity,"
              + " ((id + j) % 5000) / 100.0 AS price, 'item note ' || j AS note"
              + " FROM (SELECT _dl_id, id, unnest(range(id % 8)) AS j FROM "
              + schema
              + ".\""
              + ROOT
              + "\")");
      s.execute("CHECKPOINT");
    }
    return staged(c, id);
  }

  private static Staged staged(Connection c, String id) throws SQLException {
    Staged staged = new Staged(id, 0, 0);
    return new Staged(id, count(c, staged.relation(ROOT)), count(c, staged.relation(CHILD)));
  }

  private static long count(Connection c, String relation) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + relation)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void baseline(Connection c, Staged load, Path dir)
      throws SQLException, IOException {
    Files.createDirectories(dir);
    try (Statement s = c.createStatement()) {
      for (String table : List.of(ROOT, CHILD)) {
        try (ResultSet rs =
            s.executeQuery(
                "COPY (SELECT * FROM "
                    + load.relation(table)
                    + ") TO '"
                    + dir.resolve(table + ".parquet")
                    + "' (FORMAT parquet, FIELD_IDS 'auto', RETURN_STATS true)")) {
          while (rs.next()) {
            rs.getObject("column_statistics");
          }
        }
      }
    }
  }

  private static void promote(
      DuckLakeDestination destination,
      Connection stage,
      Staged load,
      WriteDisposition disposition,
      long expectInserted,
      long expectSkipped,
      long expectChildren) {
    StagedLoad staged =
        new StagedLoad(
            "bench-" + disposition,
            load.loadId(),
            stage,
            List.of(
                new StagedTable(
                    ROOT_SCHEMA,
                    load.relation(ROOT),
                    load.roots(),
                    disposition,
                    List.of("id"),
                    "updated_at"),
                new StagedTable(
                    CHILD_SCHEMA,
                    load.relation(CHILD),
                    load.children(),
                    disposition,
                    List.of(),
                    null)),
            PipelineState.empty("bench-" + disposition));
    PromoteResult result = destination.promote(staged);
    PromoteResult.TableWriteResult root = result.tables().get(0);
    PromoteResult.TableWriteResult child = result.tables().get(1);
    if (root.inserted() != expectInserted
        || root.skippedDuplicates() != expectSkipped
        || child.inserted() != expectChildren) {
      throw new IllegalStateException(
          disposition
              + " of load "
              + load.loadId()
              + ": "
              + result.tables()
              + ", expected "
              + expectInserted
              + " inserted, "
              + expectSkipped
              + " skipped, "
              + expectChildren
              + " child rows");
    }
  }

  /** The least wall time and the least CPU time over the rounds. */
  private static double[] best(List<double[]> values) {
    return new double[] {
      values.stream().mapToDouble(v -> v[0]).min().orElseThrow(),
      values.stream().mapToDouble(v -> v[1]).min().orElseThrow()
    };
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
