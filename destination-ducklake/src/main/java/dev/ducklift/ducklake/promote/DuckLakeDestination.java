package dev.ducklift.ducklake.promote;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.spi.CrashPoints;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.PromoteResult.TableWriteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.ColumnStats;
import dev.ducklift.ducklake.CommitResult;
import dev.ducklift.ducklake.CommitStateUnknownException;
import dev.ducklift.ducklake.DataFileInfo;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.DuckLakeOptions;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.LogicalConflictException;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.Transaction;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.storage.StorageLocation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Destination} that promotes each staged load into a DuckLake as exactly one snapshot: the
 * load's rows (all its tables, child tables included), the pipeline state that covers them and a
 * record of the load.
 *
 * <pre>{@code
 * Destination lake =
 *     DuckLakeDestination.builder()
 *         .catalog(CatalogLocation.duckdb(Path.of("lake/catalog.ducklake")))
 *         .dataPath(Path.of("lake/data"))   // or .storage(StorageLocation.s3("s3://bucket/lake/", s3))
 *         .build();
 * }</pre>
 *
 * <p>Bookkeeping lives in the lake itself, in schema {@value #SYSTEM_SCHEMA}: {@code
 * _ducklift_state} holds one live row per pipeline (its state JSON and the load that wrote it),
 * replaced by every load; {@code _ducklift_loads} holds one row per committed load. Both are
 * written in the snapshot of the load's rows, so a load is in the lake with its state or not at
 * all, and a pipeline on an empty machine restores its state from the lake. Each snapshot's commit
 * extra info names the pipeline and the load.
 *
 * <p>Dispositions: {@code append} writes the rows as staged; {@code insert-new} skips rows whose
 * primary key is in the lake (finding candidates by the key columns' file statistics and by the
 * cursor window, see {@link Builder#cursorWindowPruning}); {@code merge} deletes the rows with a
 * staged key (and their child rows) and writes the new versions; {@code replace} ends all live rows
 * and writes the new ones. Duplicate keys within a load collapse to the last by cursor.
 *
 * <p>Concurrency: several processes may promote into one lake with a PostgreSQL catalog. Commits
 * are optimistic; before a retry, insert-new keys are re-checked against the files other writers
 * added since the transaction's base, and a conflict rebuilds the whole promote on the new state.
 *
 * <p>Not thread-safe: one pipeline run at a time per instance.
 */
public final class DuckLakeDestination implements Destination {
  private static final Logger LOG = LoggerFactory.getLogger(DuckLakeDestination.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The lake schema holding the state and load tables. */
  public static final String SYSTEM_SCHEMA = "_ducklift";

  /** The state table (one live row per pipeline). */
  public static final TableName STATE_TABLE = TableName.of(SYSTEM_SCHEMA, "_ducklift_state");

  /** The load table (one row per committed load). */
  public static final TableName LOADS_TABLE = TableName.of(SYSTEM_SCHEMA, "_ducklift_loads");

  /** Crash point: the promote journal is written, no Parquet file yet. */
  public static final String CRASH_BEFORE_WRITE = "ducklake-before-write";

  /** Crash point: the first table's Parquet (and delete) files are written, others not yet. */
  public static final String CRASH_DURING_PARQUET_WRITE = "ducklake-during-parquet-write";

  /** Crash point: every data table is written, the state and load rows are not. */
  public static final String CRASH_AFTER_DATA_FILES = "ducklake-after-data-files";

  /** Crash point: every file of the load is written, the catalog commit has not started. */
  public static final String CRASH_AFTER_PARQUET_WRITE = "ducklake-after-parquet-write";

  /** Crash point: the catalog commit is done, the promote journal still names the load. */
  public static final String CRASH_AFTER_CATALOG_COMMIT = "ducklake-after-catalog-commit";

  /** Crash point: the promote is complete and its journal entry removed. */
  public static final String CRASH_AFTER_JOURNAL_END = "ducklake-after-journal-end";

  /** Every crash point this destination reaches, in order. */
  public static final List<String> CRASH_POINTS =
      List.of(
          CRASH_BEFORE_WRITE,
          CRASH_DURING_PARQUET_WRITE,
          CRASH_AFTER_DATA_FILES,
          CRASH_AFTER_PARQUET_WRITE,
          CRASH_AFTER_CATALOG_COMMIT,
          CRASH_AFTER_JOURNAL_END);

  private final CatalogLocation catalog;
  private final StorageLocation dataPath;
  private final String schema;
  private final String author;
  private final DuckLakeOptions options;
  private final int maxPromoteAttempts;
  private final boolean cursorWindowPruning;
  private DuckLake lake;
  private DuckDBConnection scratch;

  /** Run after a promote's files are written, right before its commit (tests widen races). */
  Runnable beforeCommit = () -> {};

  private PromoteJournal journal;

  private DuckLakeDestination(Builder b) {
    this.catalog = Objects.requireNonNull(b.catalog, "A DuckLake destination needs a catalog");
    this.dataPath =
        Objects.requireNonNull(
            b.dataPath, "A DuckLake destination needs a data path (a directory or a bucket)");
    this.schema = b.schema;
    this.author = b.author;
    this.options = b.options.build();
    this.maxPromoteAttempts = b.maxPromoteAttempts;
    this.cursorWindowPruning = b.cursorWindowPruning;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "ducklake";
  }

  /** The lake, opened (or created) on first use. */
  public synchronized DuckLake lake() {
    if (lake == null) {
      if (catalog instanceof CatalogLocation.DuckDbFile f && f.file().getParent() != null) {
        try {
          java.nio.file.Files.createDirectories(f.file().getParent());
        } catch (java.io.IOException e) {
          throw new DuckliftException(
              "Cannot create the directory of the catalog file " + f.file() + ": " + e, e);
        }
      }
      lake = DuckLake.openOrCreate(catalog, dataPath, options);
      journal = new PromoteJournal(lake);
    }
    return lake;
  }

  private synchronized Connection scratch() {
    try {
      if (scratch == null) {
        scratch = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
      }
      return scratch.duplicate();
    } catch (SQLException e) {
      throw new DuckliftException("Cannot open an in-memory DuckDB: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- state and loads

  @Override
  public Optional<PipelineState> restoreState(String pipelineName) {
    DuckLake l = lake();
    try (CatalogDatabase.Hold held = l.catalog().hold()) {
      return readState(l, pipelineName);
    }
  }

  private Optional<PipelineState> readState(DuckLake l, String pipelineName) {
    if (!LakeCatalog.exists(l, STATE_TABLE)) {
      return Optional.empty();
    }
    Map<String, Long> columns = LakeCatalog.scanColumns(l, STATE_TABLE);
    try (Connection c = scratch()) {
      String rows =
          Sql.liveRows(
              c,
              l.files(),
              l.liveDataFiles(STATE_TABLE),
              columns,
              List.of("state_json", "committed_at"),
              "pipeline_name = " + Sql.literal(pipelineName));
      if (rows == null) {
        return Optional.empty();
      }
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT state_json FROM (" + rows + ") ORDER BY committed_at DESC LIMIT 1")) {
        return rs.next() ? Optional.of(PipelineState.fromJson(rs.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot read the state of pipeline '"
              + pipelineName
              + "' from "
              + STATE_TABLE
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Whether the lake records the load. Reads only the files of {@code _ducklift_loads} whose load
   * id statistics can hold it (load ids start with their time, so usually one small file).
   */
  @Override
  public boolean isCommitted(String pipelineName, String loadId) {
    DuckLake l = lake();
    try (CatalogDatabase.Hold held = l.catalog().hold()) {
      return recordsLoad(l, pipelineName, loadId);
    }
  }

  private boolean recordsLoad(DuckLake l, String pipelineName, String loadId) {
    if (!LakeCatalog.exists(l, LOADS_TABLE)) {
      return false;
    }
    List<DataFileInfo> files = new ArrayList<>();
    for (DataFileInfo f : l.liveDataFiles(LOADS_TABLE)) {
      ColumnStats st = f.columnStats().get("load_id");
      if (st == null
          || st.minValue() == null
          || st.maxValue() == null
          || (st.minValue().compareTo(loadId) <= 0 && st.maxValue().compareTo(loadId) >= 0)) {
        files.add(f);
      }
    }
    Map<String, Long> columns = LakeCatalog.scanColumns(l, LOADS_TABLE);
    try (Connection c = scratch()) {
      String rows =
          Sql.liveRows(
              c,
              l.files(),
              files,
              columns,
              List.of("pipeline_name", "load_id"),
              "pipeline_name = "
                  + Sql.literal(pipelineName)
                  + " AND load_id = "
                  + Sql.literal(loadId));
      if (rows == null) {
        return false;
      }
      return Sql.count(c, "SELECT count(*) FROM (" + rows + ")") > 0;
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot read load " + loadId + " from " + LOADS_TABLE + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- promote

  @Override
  public PromoteResult promote(StagedLoad load) {
    DuckLake l = lake();
    // one attachment of a DuckDB catalog file for the whole promote, let go when it ends
    try (CatalogDatabase.Hold held = l.catalog().hold()) {
      return promote(l, load);
    }
  }

  private PromoteResult promote(DuckLake l, StagedLoad load) {
    String pipeline = load.pipelineName();
    if (isCommitted(pipeline, load.loadId())) {
      journal.end(pipeline, load.loadId());
      return new PromoteResult(OptionalLong.empty(), true, List.of());
    }
    journal.recover(pipeline, id -> isCommitted(pipeline, id));
    journal.begin(pipeline, load.loadId());
    CrashPoints.reach(CRASH_BEFORE_WRITE);
    LogicalConflictException last = null;
    for (int attempt = 1; attempt <= maxPromoteAttempts; attempt++) {
      if (attempt > 1) {
        backOff(attempt, load);
      }
      try {
        PromoteResult result = attempt(l, load);
        CrashPoints.reach(CRASH_AFTER_CATALOG_COMMIT);
        journal.end(pipeline, load.loadId());
        CrashPoints.reach(CRASH_AFTER_JOURNAL_END);
        return result;
      } catch (CommitStateUnknownException e) {
        // the journal entry stays: the next promote decides by the loads table whether to clean
        throw e;
      } catch (LogicalConflictException e) {
        // a concurrent commit changed what this load must write: rebuild it on the new state
        LOG.info(
            "Load {} of pipeline '{}' conflicted with a concurrent commit (attempt {}): {}",
            load.loadId(),
            pipeline,
            attempt,
            e.getMessage());
        last = e;
      } catch (RuntimeException e) {
        // the transaction removed its files when it closed
        journal.end(pipeline, load.loadId());
        throw e;
      }
    }
    journal.end(pipeline, load.loadId());
    throw new DuckliftException(
        "Gave up promoting load "
            + load.loadId()
            + " of pipeline '"
            + pipeline
            + "' after "
            + maxPromoteAttempts
            + " attempts that each conflicted with concurrent commits",
        last);
  }

  private PromoteResult attempt(DuckLake l, StagedLoad load) {
    try (Transaction txn = l.newTransaction();
        Connection work = workConnection(load)) {
      LoadWriter writer = new LoadWriter(l, txn, work, load, schema, cursorWindowPruning);
      List<TableWriteResult> tables = writer.writeTables();
      CrashPoints.reach(CRASH_AFTER_DATA_FILES);
      writeBookkeeping(txn, work, load, tables);
      CrashPoints.reach(CRASH_AFTER_PARQUET_WRITE);
      txn.commitInfo(author, "Load " + load.loadId(), extraInfo(load));
      txn.validator((since, catalogConnection) -> writer.validate());
      beforeCommit.run();
      CommitResult committed = txn.commit();
      return new PromoteResult(OptionalLong.of(committed.snapshotId()), false, tables);
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot promote load "
              + load.loadId()
              + " of pipeline '"
              + load.pipelineName()
              + "': "
              + e.getMessage(),
          e);
    }
  }

  /** A private connection to the staging database, for this promote's temporary tables. */
  private static Connection workConnection(StagedLoad load) throws SQLException {
    if (load.staging() instanceof DuckDBConnection d) {
      return d.duplicate();
    }
    return load.staging().unwrap(DuckDBConnection.class).duplicate();
  }

  /**
   * Writes the state and load rows. They run on {@code work}, the promote's open staging
   * connection, so a promote does not start another in-memory DuckDB for two one-row files.
   */
  private void writeBookkeeping(
      Transaction txn, Connection work, StagedLoad load, List<TableWriteResult> tables) {
    if (!txn.schemaExists(SYSTEM_SCHEMA)) {
      txn.createSchema(SYSTEM_SCHEMA);
    }
    LakeType varchar = LakeType.primitive("varchar");
    LakeType timestamptz = LakeType.primitive("timestamptz");
    LakeType int64 = LakeType.primitive("int64");
    if (!txn.tableExists(STATE_TABLE)) {
      txn.createTable(
          STATE_TABLE,
          List.of(
              ColumnDefinition.of("pipeline_name", varchar),
              ColumnDefinition.of("load_id", varchar),
              ColumnDefinition.of("state_json", varchar),
              ColumnDefinition.of("committed_at", timestamptz)));
    } else {
      txn.deleteWhere(STATE_TABLE, work, "pipeline_name = " + Sql.literal(load.pipelineName()));
    }
    if (!txn.tableExists(LOADS_TABLE)) {
      txn.createTable(
          LOADS_TABLE,
          List.of(
              ColumnDefinition.of("pipeline_name", varchar),
              ColumnDefinition.of("load_id", varchar),
              ColumnDefinition.of("status", varchar),
              ColumnDefinition.of("committed_at", timestamptz),
              ColumnDefinition.of("rows_written", int64)));
    }
    long rows = tables.stream().mapToLong(TableWriteResult::inserted).sum();
    txn.append(
        STATE_TABLE,
        work,
        "SELECT "
            + Sql.literal(load.pipelineName())
            + " AS pipeline_name, "
            + Sql.literal(load.loadId())
            + " AS load_id, "
            + Sql.literal(load.state().toJson())
            + " AS state_json, now() AS committed_at");
    txn.append(
        LOADS_TABLE,
        work,
        "SELECT "
            + Sql.literal(load.pipelineName())
            + " AS pipeline_name, "
            + Sql.literal(load.loadId())
            + " AS load_id, 'committed' AS status, now() AS committed_at, "
            + rows
            + " AS rows_written");
  }

  private static String extraInfo(StagedLoad load) {
    ObjectNode info = JSON.createObjectNode();
    info.put("pipeline", load.pipelineName());
    info.put("load_id", load.loadId());
    return info.toString();
  }

  private void backOff(int attempt, StagedLoad load) {
    long base = options.retryBaseWait().toMillis();
    long wait =
        (long)
            (base
                * ThreadLocalRandom.current().nextDouble(0.5, 1.0)
                * Math.pow(options.retryBackoff(), attempt));
    try {
      Thread.sleep(Math.max(1, wait));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DuckliftException(
          "Interrupted while retrying the promote of load " + load.loadId(), e);
    }
  }

  @Override
  public synchronized void close() {
    if (scratch != null) {
      try {
        scratch.close();
      } catch (SQLException e) {
        LOG.debug("Closing the scratch DuckDB failed", e);
      }
      scratch = null;
    }
    if (lake != null) {
      lake.close();
      lake = null;
    }
  }

  @Override
  public String toString() {
    return "DuckLakeDestination[" + catalog + ", data " + dataPath + "]";
  }

  /** Builds a {@link DuckLakeDestination}. */
  public static final class Builder {
    private CatalogLocation catalog;
    private StorageLocation dataPath;
    private String schema = "main";
    private String author = "ducklift";
    private final DuckLakeOptions.Builder options = DuckLakeOptions.builder();
    private int maxPromoteAttempts = 10;
    private boolean cursorWindowPruning = true;

    private Builder() {}

    /** Where the catalog lives (a DuckDB file or PostgreSQL). The lake is created if missing. */
    public Builder catalog(CatalogLocation catalog) {
      this.catalog = catalog;
      return this;
    }

    /** The directory holding the Parquet files. */
    public Builder dataPath(Path dataPath) {
      this.dataPath = StorageLocation.local(dataPath);
      return this;
    }

    /**
     * Where the Parquet files go: a directory, or a bucket prefix with its settings ({@code
     * StorageLocation.s3("s3://bucket/lake/", settings)}).
     */
    public Builder storage(StorageLocation storage) {
      this.dataPath = storage;
      return this;
    }

    /** The lake schema of the pipeline's tables (default {@code main}). */
    public Builder schema(String schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /** The author recorded on each snapshot (default {@code ducklift}). */
    public Builder author(String author) {
      this.author = author;
      return this;
    }

    /**
     * Applied to every catalog connection before use, for observation or fault injection (for
     * example to slow commits down in a test of concurrent writers).
     */
    public Builder catalogConnectionDecorator(
        java.util.function.UnaryOperator<Connection> decorator) {
      options.connectionDecorator(decorator);
      return this;
    }

    /** The size at which a large write rolls over to a new Parquet file. */
    public Builder targetFileSizeBytes(long bytes) {
      options.targetFileSizeBytes(bytes);
      return this;
    }

    /** Catalog commit attempts when other writers win the race (default 10). */
    public Builder maxCommitAttempts(int attempts) {
      options.maxCommitAttempts(attempts);
      return this;
    }

    /** The base wait between attempts, growing by {@link #retryBackoff} per attempt. */
    public Builder retryBaseWait(Duration wait) {
      options.retryBaseWait(wait);
      return this;
    }

    /** The growth factor of the wait between attempts (default 1.5). */
    public Builder retryBackoff(double factor) {
      options.retryBackoff(factor);
      return this;
    }

    /**
     * How long opening a DuckDB catalog file that another process holds waits before failing
     * (default 30 s).
     */
    public Builder busyTimeout(Duration timeout) {
      options.busyTimeout(timeout);
      return this;
    }

    /**
     * How often a promote is rebuilt when a concurrent commit changed what it must write (keys
     * inserted meanwhile, an append against a delete on one table); default 10.
     */
    public Builder maxPromoteAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxPromoteAttempts must be at least 1");
      }
      this.maxPromoteAttempts = attempts;
      return this;
    }

    /**
     * Whether insert-new may skip lake files by the cursor window (default on): a file whose
     * largest cursor value is below the load's smallest cannot hold one of its keys, provided a
     * source's row never changes its cursor value (events, append-only logs). Turn off for sources
     * that re-emit a key with a newer cursor; key statistics still prune then.
     */
    public Builder cursorWindowPruning(boolean enabled) {
      this.cursorWindowPruning = enabled;
      return this;
    }

    public DuckLakeDestination build() {
      return new DuckLakeDestination(this);
    }
  }
}
