package dev.ducklift.benchmarks.promote;

import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.core.spi.StagedTable;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.DataFileInfo;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.Transaction;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Insert-new promote cost against the size of the lake table.
 *
 * <p>For each table size (default 0, 10M and 100M rows) a lake table of events with random UUID
 * keys and an increasing timestamp cursor is built with DuckDB's {@code range()} through {@code
 * Transaction.append}. A staged load of 100k events (10% of them re-deliveries of the table's most
 * recent events: same key, same cursor) is then promoted with {@link DuckLakeDestination}
 * (insert-new), five times, and the median is reported as a ratio to the empty table. UUID keys
 * defeat min/max pruning on the key, so the cursor window must do the work.
 *
 * <p>In the same run, the naive approach: DuckDB evaluating {@code SELECT ... WHERE NOT EXISTS}
 * against all of the table's Parquet files and writing the new rows to Parquet.
 *
 * <p>Arguments: {@code [sizes, comma-separated] [batch rows] [work directory]}; defaults {@code
 * 0,10000000,100000000 100000 <temp dir>}.
 */
public final class PromoteBenchmark {
  private static final TableName TABLE = TableName.of("main", "events");
  private static final String EPOCH = "TIMESTAMPTZ '2024-01-01 00:00:00+00'";
  private static final int REPETITIONS = 5;

  private PromoteBenchmark() {}

  private static final TableSchema SCHEMA =
      new TableSchema(
          "events",
          null,
          List.of(
              Column.of("event_id", DataType.UUID),
              Column.of("occurred_at", DataType.TIMESTAMPTZ),
              Column.of("user_id", DataType.BIGINT),
              Column.of("kind", DataType.TEXT),
              Column.of(TableSchema.LOAD_ID, DataType.TEXT),
              Column.of(TableSchema.ROW_ID, DataType.TEXT)));

  public static void main(String[] args) throws Exception {
    long[] sizes =
        Arrays.stream((args.length > 0 ? args[0] : "0,10000000,100000000").split(","))
            .mapToLong(s -> Long.parseLong(s.trim()))
            .toArray();
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    Path work =
        args.length > 2
            ? Files.createDirectories(Path.of(args[2]))
            : Files.createTempDirectory("ducklift-promote-bench");
    System.out.printf(
        "Promote benchmark: batch %,d rows (10%% already present), work dir %s%n", batch, work);

    // warm-up: JIT and DuckDB on a small table
    measure(work.resolve("warmup"), 200_000, batch, 1);

    List<double[]> results = new ArrayList<>();
    for (long size : sizes) {
      double[] r = measure(work.resolve("size-" + size), size, batch, REPETITIONS);
      results.add(new double[] {size, r[0], r[1], r[2]});
    }
    double ours0 = results.get(0)[2];
    double naive0 = results.get(0)[3];
    System.out.println();
    System.out.println(
        "table rows   | build s | promote ms | ratio to first | naive ms | naive ratio | naive/promote");
    for (double[] r : results) {
      System.out.printf(
          "%,12d | %7.1f | %10.0f | %14.2f | %8.0f | %11.2f | %13.2f%n",
          (long) r[0], r[1], r[2], r[2] / ours0, r[3], r[3] / naive0, r[3] / r[2]);
    }
    deleteRecursively(work);
  }

  /** Builds a lake whose events table holds {@code size} rows; returns the seconds it took. */
  private static double build(Path dir, long size) {
    long t0 = System.nanoTime();
    try (DuckLake lake =
        DuckLake.create(
            CatalogLocation.duckdb(dir.resolve("catalog.ducklake")), dir.resolve("data"))) {
      List<ColumnDefinition> columns =
          SCHEMA.columns().stream()
              .map(c -> new ColumnDefinition(c.name(), LakeType.of(c.type()), true, null))
              .toList();
      try (Transaction txn = lake.newTransaction()) {
        txn.createTable(TABLE, columns);
        if (size > 0) {
          // event i happened i milliseconds after the epoch
          txn.append(
              TABLE,
              "SELECT uuid() AS event_id, "
                  + EPOCH
                  + " + to_milliseconds(i) AS occurred_at, i % 100000 AS user_id,"
                  + " 'kind' || (i % 7) AS kind FROM range("
                  + size
                  + ") t(i)");
        }
        txn.commit();
      }
    }
    warmUp(dir);
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Promotes one empty load of the benchmark's pipeline into a freshly built lake, so that every
   * measured promote, whatever the table size, finds the pipeline's bookkeeping tables in place and
   * replaces its state row, as every run after a pipeline's first one does. Without it the empty
   * table's promotes would skip that fixed cost and the ratio would measure bookkeeping, not table
   * size.
   */
  private static void warmUp(Path dir) {
    String loadId = "warmup_" + System.nanoTime();
    try (DuckLakeDestination destination =
            DuckLakeDestination.builder()
                .catalog(CatalogLocation.duckdb(dir.resolve("catalog.ducklake")))
                .dataPath(dir.resolve("data"))
                .build();
        Connection stage = DriverManager.getConnection("jdbc:duckdb:")) {
      stageBatch(stage, List.of(), 0, 0, 0, loadId);
      destination.promote(stagedLoad(loadId, stage, 0));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot warm up the lake in " + dir + ": " + e, e);
    }
  }

  /** The benchmark pipeline's load of {@code rows} events staged in {@code stage}. */
  private static StagedLoad stagedLoad(String loadId, Connection stage, int rows) {
    return new StagedLoad(
        "bench",
        loadId,
        stage,
        List.of(
            new StagedTable(
                SCHEMA,
                "\"load\".\"events\"",
                rows,
                WriteDisposition.INSERT_NEW,
                List.of("event_id"),
                "occurred_at")),
        PipelineState.empty("bench"));
  }

  /**
   * Returns {build seconds, median promote ms, median naive ms}. An empty table is rebuilt for
   * every repetition, so each promote goes into an empty table; a large one is built once.
   */
  private static double[] measure(Path root, long size, int batch, int repetitions)
      throws Exception {
    deleteRecursively(root);
    Files.createDirectories(root);
    double buildSeconds = build(root.resolve("lake-0"), size);
    System.out.printf("table of %,d rows built in %.1f s%n", size, buildSeconds);
    List<Double> ours = new ArrayList<>();
    List<Double> naive = new ArrayList<>();
    long tableRows = size;
    long nextMillis = size;
    for (int rep = 0; rep < repetitions; rep++) {
      Path dir = root.resolve("lake-" + (size == 0 ? rep : 0));
      if (size == 0 && rep > 0) {
        build(dir, 0);
        tableRows = 0;
      }
      CatalogLocation catalog = CatalogLocation.duckdb(dir.resolve("catalog.ducklake"));
      Path data = dir.resolve("data");
      Path staging = root.resolve("staging-" + rep + ".duckdb");
      String loadId = "bench" + rep + "_" + System.nanoTime();
      try (DuckLakeDestination destination =
              DuckLakeDestination.builder().catalog(catalog).dataPath(data).build();
          Connection stage = DriverManager.getConnection("jdbc:duckdb:" + staging)) {
        DuckLake lake = destination.lake();
        List<DataFileInfo> files = lake.liveDataFiles(TABLE);
        long present = tableRows > 0 ? batch / 10 : 0;
        stageBatch(stage, files, nextMillis, batch, present, loadId);
        double naiveMs = naive(stage, files, root.resolve("naive-" + rep + ".parquet"));
        StagedLoad load = stagedLoad(loadId, stage, batch);
        long p0 = System.nanoTime();
        PromoteResult result = destination.promote(load);
        double ms = (System.nanoTime() - p0) / 1e6;
        PromoteResult.TableWriteResult t = result.tables().get(0);
        if (t.inserted() != batch - present || t.skippedDuplicates() != present) {
          throw new IllegalStateException(
              "Wrong promote: inserted "
                  + t.inserted()
                  + ", skipped "
                  + t.skippedDuplicates()
                  + ", expected "
                  + (batch - present)
                  + " and "
                  + present);
        }
        System.out.printf(
            "  table %,d rows: promote %.0f ms (%s); naive NOT EXISTS %.0f ms%n",
            tableRows, ms, t.notes(), naiveMs);
        ours.add(ms);
        naive.add(naiveMs);
        tableRows += t.inserted();
        nextMillis = size == 0 ? 0 : nextMillis + t.inserted();
      }
      Files.deleteIfExists(staging);
    }
    return new double[] {buildSeconds, median(ours), median(naive)};
  }

  /**
   * Stages {@code batch} events in schema {@code load}, shuffled: {@code present} of them are the
   * table's most recent events (same key, same cursor: re-delivered by a cursor lag), the others
   * new events from {@code nextMillis} on.
   */
  private static void stageBatch(
      Connection stage,
      List<DataFileInfo> files,
      long nextMillis,
      int batch,
      long present,
      String loadId)
      throws SQLException {
    try (Statement s = stage.createStatement()) {
      s.execute("CREATE SCHEMA \"load\"");
      String fresh =
          "SELECT uuid() AS event_id, "
              + EPOCH
              + " + to_milliseconds("
              + nextMillis
              + " + i) AS occurred_at, i % 100000 AS user_id, 'kind' || (i % 7) AS kind"
              + " FROM range("
              + (batch - present)
              + ") t(i)";
      String existing =
          present == 0
              ? null
              : "SELECT * FROM (SELECT event_id, occurred_at, user_id, kind FROM read_parquet(["
                  + files.stream().map(f -> "'" + f.path() + "'").collect(Collectors.joining(", "))
                  + "]) ORDER BY occurred_at DESC LIMIT "
                  + present
                  + ")";
      s.execute(
          "CREATE TABLE \"load\".\"events\" AS SELECT event_id, occurred_at, user_id, kind, '"
              + loadId
              + "' AS _dl_load_id, CAST(NULL AS VARCHAR) AS _dl_id FROM ("
              + fresh
              + (existing == null ? "" : " UNION ALL " + existing)
              + ") ORDER BY random()");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"load\".\"events\"")) {
        rs.next();
        if (rs.getLong(1) != batch) {
          throw new IllegalStateException("Staged " + rs.getLong(1) + " rows, not " + batch);
        }
      }
    }
  }

  /** The naive promote: anti-join the batch against every Parquet file, write the new rows. */
  private static double naive(Connection stage, List<DataFileInfo> files, Path out)
      throws SQLException, IOException {
    String notExists =
        files.isEmpty()
            ? ""
            : " WHERE NOT EXISTS (SELECT 1 FROM read_parquet(["
                + files.stream().map(f -> "'" + f.path() + "'").collect(Collectors.joining(", "))
                + "]) t WHERE t.event_id = b.event_id)";
    long t0 = System.nanoTime();
    try (Statement s = stage.createStatement()) {
      s.execute(
          "COPY (SELECT b.* FROM \"load\".\"events\" b"
              + notExists
              + ") TO '"
              + out
              + "' (FORMAT parquet)");
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    Files.deleteIfExists(out);
    return ms;
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
