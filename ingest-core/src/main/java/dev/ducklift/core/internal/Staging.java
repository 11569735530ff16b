package dev.ducklift.core.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.LocalStateException;
import dev.ducklift.core.internal.NormalizedTable.ColumnState;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.spi.CrashPoints;
import dev.ducklift.core.spi.EpochValues;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The staging DuckDB file of a pipeline ({@code <working directory>/staging.duckdb}).
 *
 * <p>Layout: each load has its own schema {@code "load_<load id>"} holding one table per normalized
 * table, with exactly the columns of the load's {@link dev.ducklift.core.schema.TableSchema} in
 * order; a {@code StagedTable}'s staging relation is {@code "load_<load id>"."<table>"}. The table
 * {@code main._dl_staged_loads(seq, load_id, resource, status, manifest)} journals every load still
 * staged; a checkpoint's rows, schema changes and journal row (with the watermarks covering those
 * rows) commit in one DuckDB transaction. Finishing a load drops its schema and journal row in one
 * transaction.
 */
public final class Staging implements AutoCloseable {

  /** The staging file's name inside the working directory. */
  public static final String FILE_NAME = "staging.duckdb";

  static final String JOURNAL = "_dl_staged_loads";

  private static final String JOURNAL_DDL =
      "CREATE TABLE IF NOT EXISTS main."
          + JOURNAL
          + " (seq BIGINT, load_id VARCHAR, resource VARCHAR, status VARCHAR, manifest VARCHAR)";

  private static final Runnable STOP = () -> {};

  private final DuckDBConnection connection;
  private final Path file;

  private Staging(DuckDBConnection connection, Path file) {
    this.connection = connection;
    this.file = file;
  }

  /**
   * Opens (creating if needed) the staging file in {@code workingDirectory}. A new file is built
   * under a temporary name and renamed into place, so a kill leaves no file or a valid one.
   *
   * @throws LocalStateException if the file is held by another process or cannot be created
   * @throws Unreadable if the file exists but cannot be opened or its journal read
   */
  public static Staging open(Path workingDirectory) {
    Path file = workingDirectory.resolve(FILE_NAME);
    try {
      LocalFiles.createAtomically(
          file,
          temporary -> {
            try (Connection c =
                    DriverManager.getConnection("jdbc:duckdb:" + temporary.toAbsolutePath());
                Statement st = c.createStatement()) {
              st.execute(JOURNAL_DDL);
              st.execute("CHECKPOINT");
            }
            CrashPoints.reach(CrashPoints.CREATING_STAGING);
          });
    } catch (Exception e) {
      throw new LocalStateException(
          "Cannot create the staging database " + file + ": " + e.getMessage(), e);
    }
    DuckDBConnection connection;
    try {
      connection =
          (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
    } catch (SQLException | RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("Could not set lock on file")) {
        throw new LocalStateException(
            "The staging database "
                + file
                + " is in use by another process: two runs of one pipeline cannot share a working"
                + " directory. Wait for the other run to end, or give each worker its own working"
                + " directory ("
                + message
                + ")",
            e);
      }
      throw new Unreadable(file, e);
    }
    try (Statement st = connection.createStatement()) {
      // Staged rows live for one load: letting the WAL grow instead of checkpointing it into
      // the database file while a load is written avoids rewriting data that is dropped soon.
      st.execute("SET checkpoint_threshold = '1GB'");
      // Appends spill full row groups to the file as they arrive, and choosing a compression
      // for every column segment (dictionary, FSST, bitpacking analysis) is most of the cost
      // of an append. Staged rows are read once, by the promote, and then dropped: storing
      // them uncompressed costs file space only for a load's lifetime.
      st.execute("SET force_compression = 'uncompressed'");
      st.execute(JOURNAL_DDL);
      st.executeQuery("SELECT count(*) FROM main." + JOURNAL).close();
      return new Staging(connection, file);
    } catch (SQLException | RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new Unreadable(file, e);
    }
  }

  /** Moves an unreadable staging file (and its WAL) aside; returns where it went. */
  public static Path moveAside(Path workingDirectory) throws java.io.IOException {
    return LocalFiles.moveAside(workingDirectory.resolve(FILE_NAME));
  }

  /** A staging file exists but cannot be opened, or its journal cannot be read. */
  public static final class Unreadable extends DuckliftException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    Unreadable(Path file, Exception cause) {
      super("Cannot open the staging database " + file + ": " + cause.getMessage(), cause);
      this.file = file;
    }

    /** The staging file. */
    public Path file() {
      return file;
    }
  }

  public DuckDBConnection connection() {
    return connection;
  }

  public Path file() {
    return file;
  }

  public static String schemaName(String loadId) {
    return "load_" + loadId;
  }

  /** The SQL relation holding a staged table of a load. */
  public static String relation(String loadId, String table) {
    return quote(schemaName(loadId)) + "." + quote(table);
  }

  public static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** Loads still staged, oldest first. */
  public List<LoadManifest> pendingLoads() {
    List<LoadManifest> result = new ArrayList<>();
    try (Statement st = connection.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT manifest FROM main." + JOURNAL + " ORDER BY seq, load_id")) {
      while (rs.next()) {
        result.add(LoadManifest.fromJson(rs.getString(1)));
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot read the staging journal in " + file + ": " + e.getMessage(), e);
    }
    return result;
  }

  /** Drops a load's staged rows and journal row in one transaction (idempotent). */
  public void drop(String loadId) {
    try {
      connection.setAutoCommit(false);
      try (Statement st = connection.createStatement();
          PreparedStatement del =
              connection.prepareStatement("DELETE FROM main." + JOURNAL + " WHERE load_id = ?")) {
        st.execute("DROP SCHEMA IF EXISTS " + quote(schemaName(loadId)) + " CASCADE");
        del.setString(1, loadId);
        del.executeUpdate();
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot drop staged load " + loadId + " from " + file + ": " + e.getMessage(), e);
    }
  }

  /** Starts writing a new load; the writer holds an open transaction until it is closed. */
  public LoadWriter begin(String loadId, long seq) {
    return new LoadWriter(loadId, seq);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot close the staging database " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes one load's rows with DuckDB appenders. Everything appended between two {@link
   * #checkpoint}s commits atomically with the journal row passed to the second one.
   *
   * <p>Rows go through a {@link VectorAppender} where the driver allows it (every column type it
   * writes), otherwise through the JDBC {@link DuckDBAppender} value by value.
   *
   * <p>After {@link #stageInBackground}, a thread of the writer's own does all DuckDB work: the
   * caller lays rows out in {@link VectorChunk}s and hands over whole chunks, and {@link
   * #checkpointInBackground} commits while the caller goes on with the next batch. Every other
   * method waits for the work handed over before it and rethrows its failure.
   */
  public final class LoadWriter implements Normalizer.RowSink, AutoCloseable {
    private final String loadId;
    private final String schema;
    private final long seq;
    private final Map<NormalizedTable, TableWriter> writers = new IdentityHashMap<>();
    private long rowsSinceCheckpoint;
    private volatile long rowsCommitted;
    private volatile Map<String, Long> committedRowsByTable = Map.of();

    /** Rows per table in checkpoints committed or being committed (the caller's view). */
    private final Map<String, Long> checkpointedRowsByTable = new HashMap<>();

    private final Map<String, Long> pendingRowsByTable = new HashMap<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<long[]> committedCheckpoints =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private Stager stager;
    private java.util.concurrent.CountDownLatch backgroundCommit;
    private boolean open;

    private LoadWriter(String loadId, long seq) {
      this.loadId = loadId;
      this.schema = schemaName(loadId);
      this.seq = seq;
      try {
        // Appending on DuckDB's worker threads cost the staging DuckDB 2–3 µs more CPU per
        // record (a worker busy writing row groups beside the appending thread) and gained no
        // throughput, while the cores are already busy parsing and normalizing; close() gives the
        // database its default threads back for the promote, which reads the staged tables in
        // parallel.
        execute("SET threads = 1");
        connection.setAutoCommit(false);
        open = true;
        execute("CREATE SCHEMA IF NOT EXISTS " + quote(schema));
      } catch (SQLException e) {
        DuckliftException failure = failure("begin", e);
        try {
          connection.setAutoCommit(true);
          execute("RESET threads");
        } catch (SQLException restore) {
          failure.addSuppressed(restore);
        }
        throw failure;
      }
    }

    public String loadId() {
      return loadId;
    }

    public long rowsSinceCheckpoint() {
      return rowsSinceCheckpoint;
    }

    public long rowsCommitted() {
      return rowsCommitted;
    }

    /** Rows committed so far per table. */
    public Map<String, Long> committedRowsByTable() {
      return committedRowsByTable;
    }

    /**
     * From now on, does all DuckDB work of this writer on a thread of its own, so that laying out
     * rows overlaps with appending and committing them. Call it before the first row; loads that
     * use {@link #typedAppender} do not.
     */
    public void stageInBackground() {
      if (stager == null) {
        stager = new Stager();
      }
    }

    /** Whether {@link #stageInBackground} is on, so checkpoints may commit behind the caller. */
    public boolean stagesInBackground() {
      return stager != null;
    }

    /**
     * The checkpoints committed since the last call, oldest first, each as {@code {rows in the
     * checkpoint, rows committed in the load}}: {@link #checkpointInBackground} commits later.
     */
    public List<long[]> takeCommittedCheckpoints() {
      List<long[]> result = new ArrayList<>();
      long[] c;
      while ((c = committedCheckpoints.poll()) != null) {
        result.add(c);
      }
      return result;
    }

    private TableWriter writer(NormalizedTable table) {
      TableWriter w = writers.get(table);
      if (w == null) {
        w = new TableWriter(table);
        writers.put(table, w);
      }
      return w;
    }

    /** Runs {@code task} on the staging thread if there is one (waiting for it), else here. */
    private void onStagingThread(SqlTask task, String step, boolean evenAfterFailure) {
      if (stager != null) {
        stager.call(task, step, evenAfterFailure);
        return;
      }
      try {
        task.run();
      } catch (SQLException e) {
        throw failure(step, e);
      }
    }

    /**
     * Queues {@code task} for the staging thread, or without one runs it here, failing as the
     * staging thread would.
     */
    private void submit(SqlTask task, String step, long bytes) {
      if (stager != null) {
        stager.submit(task, step, bytes);
        return;
      }
      try {
        task.run();
      } catch (SQLException e) {
        throw failure(step, e);
      } catch (DuckliftException e) {
        throw e;
      } catch (RuntimeException e) {
        throw failure(step, e);
      }
    }

    /** Creates or alters the staging table of {@code table} to its current schema. */
    public void ensureTable(NormalizedTable table) {
      writer(table).sync();
    }

    @Override
    public void append(NormalizedTable table, Object[][] rows, int count) {
      TableWriter w = writer(table);
      if (w.appliedVersion != table.version) {
        w.sync();
      }
      w.stage(rows, count);
      rowsSinceCheckpoint += count;
      w.unfoldedRows += count;
    }

    /**
     * The appender of {@code table}'s staging table (created or altered to the table's schema
     * first), for a caller that appends typed rows itself in the table's column order; report them
     * with {@link #rowsAppended}. The appender is closed by {@link #checkpoint}, so ask again after
     * one.
     */
    DuckDBAppender typedAppender(NormalizedTable table) {
      if (stager != null) {
        // The staging thread owns the appenders, and a DuckDB appender is confined to one thread.
        throw new IllegalStateException(
            "Typed appenders cannot be used while staging in background");
      }
      TableWriter w = writer(table);
      if (w.appliedVersion != table.version) {
        w.sync();
      }
      try {
        if (w.appender == null) {
          w.appender = connection.createAppender(schema, table.name);
        }
        return w.appender;
      } catch (SQLException e) {
        throw failure("opening an appender for table " + table.name, e);
      }
    }

    /**
     * A {@link VectorAppender} on {@code table}'s staging table (created or altered to the table's
     * schema first), or {@code null} when the vector path cannot write it (a column kind it does
     * not write, another driver version, or a JDBC appender already open): then use {@link
     * #typedAppender}. Closed by {@link #checkpoint} like the JDBC appender.
     */
    VectorAppender typedVectors(NormalizedTable table) {
      TableWriter w = writer(table);
      if (w.appliedVersion != table.version) {
        w.sync();
      }
      try {
        if (w.vectors == null && w.appender == null) {
          w.vectors = VectorAppender.open(connection, schema, table.name, w.kinds);
        }
        return w.vectors;
      } catch (SQLException e) {
        throw failure("opening an appender for table " + table.name, e);
      }
    }

    /** Counts rows appended through {@link #typedAppender} or {@link #typedVectors}. */
    void rowsAppended(NormalizedTable table, int count) {
      rowsSinceCheckpoint += count;
      pendingRowsByTable.merge(table.name, (long) count, Long::sum);
    }

    /** Flushes and closes the open appenders; call it on the thread that appended. */
    public void closeAppenders() {
      List<TableWriter> all = handOverChunks();
      onStagingThread(
          () -> {
            for (TableWriter w : all) {
              w.closeAppender();
            }
          },
          "flushing rows",
          false);
    }

    /** Hands every partly filled chunk to the staging thread; returns all table writers. */
    private List<TableWriter> handOverChunks() {
      List<TableWriter> all = new ArrayList<>(writers.values());
      for (TableWriter w : all) {
        w.handOver();
      }
      return all;
    }

    /**
     * Flushes the appenders and commits their rows, schema changes and the journal row {@code
     * manifest} in one transaction; then opens the next transaction.
     */
    public void checkpoint(LoadManifest manifest) {
      checkpoint(manifest, true);
    }

    /**
     * Like {@link #checkpoint}, but when staging in background it returns as soon as the commit is
     * queued behind the rows handed over before it; {@link #takeCommittedCheckpoints} reports it
     * once committed, and a failure is thrown by a later call. Without background staging it
     * commits at once and reports the checkpoint the same way.
     */
    public void checkpointInBackground(LoadManifest manifest) {
      checkpoint(manifest, false);
    }

    private void checkpoint(LoadManifest manifest, boolean wait) {
      List<TableWriter> all = handOverChunks();
      long rows = rowsSinceCheckpoint;
      foldPendingRows();
      Map<String, Long> batch = new HashMap<>(pendingRowsByTable);
      String json = manifest.toJson();
      SqlTask commit = () -> commit(all, manifest, json, rows, batch, !wait);
      if (stager != null && !wait) {
        // One commit in flight at most, so a crash loses less than two checkpoints' rows.
        awaitBackgroundCommit();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        backgroundCommit = done;
        stager.submit(
            () -> {
              try {
                commit.run();
              } finally {
                done.countDown();
              }
            },
            "checkpoint");
      } else {
        onStagingThread(commit, "checkpoint", false);
      }
      rowsSinceCheckpoint = 0;
      batch.forEach((k, v) -> checkpointedRowsByTable.merge(k, v, Long::sum));
      pendingRowsByTable.clear();
    }

    /** Adds the rows the table writers counted themselves to {@code pendingRowsByTable}. */
    private void foldPendingRows() {
      for (TableWriter w : writers.values()) {
        if (w.unfoldedRows > 0) {
          pendingRowsByTable.merge(w.table.name, w.unfoldedRows, Long::sum);
          w.unfoldedRows = 0;
        }
      }
    }

    private void awaitBackgroundCommit() {
      java.util.concurrent.CountDownLatch done = backgroundCommit;
      if (done == null) {
        return;
      }
      boolean interrupted = false;
      try {
        // A commit skipped after a failure never counts down: the failure ends the wait.
        while (!done.await(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          Handoff.rethrow(stager.failure);
        }
      } catch (InterruptedException e) {
        interrupted = true;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      backgroundCommit = null;
    }

    private void commit(
        List<TableWriter> all,
        LoadManifest manifest,
        String json,
        long rows,
        Map<String, Long> batch,
        boolean report)
        throws SQLException {
      for (TableWriter w : all) {
        w.closeAppender();
      }
      try (PreparedStatement del =
              connection.prepareStatement("DELETE FROM main." + JOURNAL + " WHERE load_id = ?");
          PreparedStatement ins =
              connection.prepareStatement(
                  "INSERT INTO main." + JOURNAL + " VALUES (?, ?, ?, ?, ?)")) {
        del.setString(1, loadId);
        del.executeUpdate();
        ins.setLong(1, seq);
        ins.setString(2, loadId);
        ins.setString(3, manifest.resource());
        ins.setString(4, manifest.status());
        ins.setString(5, json);
        ins.executeUpdate();
      }
      connection.commit();
      long total = rowsCommitted + rows;
      rowsCommitted = total;
      Map<String, Long> committed = new HashMap<>(committedRowsByTable);
      batch.forEach((k, v) -> committed.merge(k, v, Long::sum));
      committedRowsByTable = Map.copyOf(committed);
      if (report) {
        committedCheckpoints.add(new long[] {rows, total});
      }
      // DuckDB starts a transaction lazily on the next statement; appenders only join an
      // active one, so start it now.
      execute("SELECT 1");
    }

    /** Rows that {@link #checkpoint} would commit now, per table (committed plus pending). */
    public long rowsIncludingPending(String table) {
      foldPendingRows();
      return checkpointedRowsByTable.getOrDefault(table, 0L)
          + pendingRowsByTable.getOrDefault(table, 0L);
    }

    /** Discards everything since the last checkpoint committed. */
    public void rollback() {
      if (!open) {
        return;
      }
      List<TableWriter> all = new ArrayList<>(writers.values());
      for (TableWriter w : all) {
        w.dropChunk();
      }
      onStagingThread(
          () -> {
            for (TableWriter w : all) {
              w.abandonAppender();
            }
            connection.rollback();
          },
          "rollback",
          true);
      if (stager != null) {
        stager.clearFailure();
      }
      backgroundCommit = null;
      rowsSinceCheckpoint = 0;
      foldPendingRows();
      pendingRowsByTable.clear();
      checkpointedRowsByTable.clear();
      checkpointedRowsByTable.putAll(committedRowsByTable);
      for (TableWriter w : all) {
        w.applied.clear();
        w.appliedVersion = -1;
        w.created = false;
      }
    }

    /** Rolls back anything uncommitted and returns the connection to auto-commit. */
    @Override
    public void close() {
      if (!open) {
        return;
      }
      try {
        rollback();
      } finally {
        open = false;
        try {
          onStagingThread(
              () -> {
                connection.setAutoCommit(true);
                execute("RESET threads");
              },
              "close",
              true);
        } finally {
          if (stager != null) {
            stager.stop();
          }
        }
      }
    }

    private void execute(String sql) throws SQLException {
      try (Statement st = connection.createStatement()) {
        st.execute(sql);
      }
    }

    private DuckliftException failure(String step, Exception e) {
      return new DuckliftException(
          "Staging load " + loadId + " failed at " + step + " in " + file + ": " + e.getMessage(),
          e);
    }

    /** Work on the staging connection. */
    @FunctionalInterface
    private interface SqlTask {
      void run() throws SQLException;
    }

    /**
     * The writer's staging thread: runs the tasks handed to it in order. After a task fails, the
     * following ones are skipped (except rollback and close) and callers get its failure.
     */
    private final class Stager {
      /*
       * Deep enough that the caller goes on laying rows out while a checkpoint commits (tens of
       * milliseconds for 200,000 rows): with a few chunks of slack it soon waited, with one core
       * idle, for the commit.
       */
      private static final int CAPACITY = 256;
      private static final long MAX_BYTES_QUEUED = 64L << 20;
      private final java.util.concurrent.ArrayBlockingQueue<Runnable> tasks =
          new java.util.concurrent.ArrayBlockingQueue<>(CAPACITY);
      private final Object budget = new Object();
      private long bytesQueued;
      private final Thread thread;
      private volatile Throwable failure;
      private boolean stopped;

      Stager() {
        thread = new Thread(this::loop, "ducklift-stage-" + loadId);
        thread.setDaemon(true);
        thread.start();
      }

      private void loop() {
        while (true) {
          Runnable task;
          try {
            task = tasks.take();
          } catch (InterruptedException e) {
            // Only stop() ends this thread: its callers wait for their tasks.
            continue;
          }
          if (task == STOP) {
            return;
          }
          task.run();
        }
      }

      /** Queues {@code task}; its failure is thrown by a later call. */
      void submit(SqlTask task, String step) {
        submit(task, step, 0);
      }

      /**
       * Queues {@code task}, which holds about {@code bytes} of rows until it ran, waiting while
       * {@link #MAX_BYTES_QUEUED} are queued already.
       */
      void submit(SqlTask task, String step, long bytes) {
        Handoff.rethrow(failure);
        reserve(bytes);
        put(
            () -> {
              try {
                if (failure == null) {
                  task.run();
                }
              } catch (SQLException e) {
                failure = failure(step, e);
              } catch (RuntimeException e) {
                failure = e instanceof DuckliftException ? e : failure(step, e);
              } catch (Throwable t) {
                failure = t;
              } finally {
                release(bytes);
              }
            });
      }

      private void reserve(long bytes) {
        if (bytes == 0) {
          return;
        }
        boolean interrupted = false;
        synchronized (budget) {
          // A task larger than the budget still goes when nothing else is queued.
          while (bytesQueued > 0 && bytesQueued + bytes > MAX_BYTES_QUEUED) {
            try {
              budget.wait();
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          bytesQueued += bytes;
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }

      private void release(long bytes) {
        if (bytes == 0) {
          return;
        }
        synchronized (budget) {
          bytesQueued -= bytes;
          budget.notifyAll();
        }
      }

      /** Runs {@code task} after everything queued before it, and waits for it. */
      void call(SqlTask task, String step, boolean evenAfterFailure) {
        if (!evenAfterFailure) {
          Handoff.rethrow(failure);
        }
        Throwable[] thrown = new Throwable[1];
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        put(
            () -> {
              try {
                if (evenAfterFailure || failure == null) {
                  task.run();
                }
              } catch (SQLException e) {
                thrown[0] = failure(step, e);
              } catch (RuntimeException e) {
                thrown[0] = e instanceof DuckliftException ? e : failure(step, e);
              } catch (Throwable t) {
                thrown[0] = t;
              } finally {
                done.countDown();
              }
            });
        boolean interrupted = false;
        while (true) {
          try {
            done.await();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        Handoff.rethrow(thrown[0]);
        if (!evenAfterFailure) {
          Handoff.rethrow(failure);
        }
      }

      /** Forgets a failure once its batch is rolled back. */
      void clearFailure() {
        failure = null;
      }

      void stop() {
        if (stopped) {
          return;
        }
        put(STOP);
        stopped = true;
        Handoff.joinUninterruptibly(thread);
      }

      private void put(Runnable task) {
        if (stopped) {
          throw new IllegalStateException("Load writer " + loadId + " is closed");
        }
        boolean interrupted = false;
        while (true) {
          try {
            tasks.put(task);
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private final class TableWriter {
      private final NormalizedTable table;
      private final Map<String, DataType> applied = new HashMap<>();
      private int appliedVersion = -1;
      private boolean created;
      private DuckDBAppender appender;
      private VectorAppender vectors;
      private DataType.Kind[] kinds = new DataType.Kind[0];
      private int[] scales = new int[0];

      /** With a staging thread: the chunk being filled and emptied chunks of this layout. */
      private VectorChunk chunk;

      /** Rows staged since they were last added to {@code pendingRowsByTable}. */
      private long unfoldedRows;

      /** Whether {@link VectorAppender} writes the current columns. */
      private boolean vectorKinds;

      private java.util.concurrent.ConcurrentLinkedQueue<VectorChunk> free =
          new java.util.concurrent.ConcurrentLinkedQueue<>();

      TableWriter(NormalizedTable table) {
        this.table = table;
      }

      void sync() {
        List<ColumnState> columns = table.columns();
        String relation = quote(schema) + "." + quote(table.name);
        List<String> ddl = new ArrayList<>();
        if (!created) {
          StringBuilder sql =
              new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(relation).append(" (");
          for (int i = 0; i < columns.size(); i++) {
            ColumnState c = columns.get(i);
            sql.append(i == 0 ? "" : ", ")
                .append(quote(c.name()))
                .append(' ')
                .append(c.type().duckdbType());
          }
          ddl.add(sql.append(')').toString());
        } else {
          for (ColumnState c : columns) {
            DataType before = applied.get(c.name());
            if (before == null) {
              ddl.add(
                  "ALTER TABLE "
                      + relation
                      + " ADD COLUMN "
                      + quote(c.name())
                      + " "
                      + c.type().duckdbType());
            } else if (!before.equals(c.type())) {
              ddl.add(
                  "ALTER TABLE "
                      + relation
                      + " ALTER COLUMN "
                      + quote(c.name())
                      + " TYPE "
                      + c.type().duckdbType()
                      + widening(before, c));
            }
          }
        }
        if (!ddl.isEmpty()) {
          // Rows laid out for the old columns go first.
          handOver();
          onStagingThread(
              () -> {
                closeAppender();
                for (String sql : ddl) {
                  execute(sql);
                }
              },
              "creating table " + table.name,
              false);
          free = new java.util.concurrent.ConcurrentLinkedQueue<>();
          created = true;
          applied.clear();
          kinds = new DataType.Kind[columns.size()];
          scales = new int[columns.size()];
          for (int i = 0; i < columns.size(); i++) {
            ColumnState c = columns.get(i);
            applied.put(c.name(), c.type());
            kinds[i] = c.type().kind();
            scales[i] = c.type().scale();
          }
          vectorKinds = VectorAppender.supports(kinds) && VectorAppender.vectorSize() > 0;
        }
        appliedVersion = table.version;
      }

      /**
       * How rows already staged change type: naive timestamps and dates becoming {@code
       * TIMESTAMPTZ} are read in the resource's zone for naive timestamps (DuckDB's own cast would
       * use the session's time zone); every other widening is DuckDB's cast.
       */
      private String widening(DataType before, ColumnState column) {
        boolean naive =
            before.kind() == DataType.Kind.TIMESTAMP || before.kind() == DataType.Kind.DATE;
        if (!naive || column.type().kind() != DataType.Kind.TIMESTAMPTZ) {
          return "";
        }
        return " USING timezone('"
            + table.naiveZone().replace("'", "''")
            + "', CAST("
            + quote(column.name())
            + " AS TIMESTAMP))";
      }

      /**
       * Lays rows out for the staging thread (without one, for this thread's appender), handing
       * over each full chunk.
       */
      void stage(Object[][] rows, int count) {
        if (!vectorKinds) {
          // Value by value on the staging thread; the normalizer reuses its row arrays.
          Object[][] copies = new Object[count][];
          for (int i = 0; i < count; i++) {
            copies[i] = rows[i].clone();
          }
          submit(
              () -> {
                if (appender == null) {
                  appender = connection.createAppender(schema, table.name);
                }
                for (Object[] row : copies) {
                  appendRow(row);
                }
              },
              "staging rows of table " + table.name,
              16L * count * kinds.length);
          return;
        }
        for (int i = 0; i < count; i++) {
          if (chunk == null) {
            chunk = free.poll();
            if (chunk == null) {
              chunk = new VectorChunk(kinds, VectorAppender.vectorSize());
            }
          }
          chunk.appendRow(rows[i]);
          if (chunk.full()) {
            handOver();
          }
        }
      }

      /** Queues the chunk being filled, if any, for the staging thread. */
      void handOver() {
        VectorChunk c = chunk;
        if (c == null) {
          return;
        }
        chunk = null;
        if (c.rows == 0) {
          free.add(c);
          return;
        }
        java.util.concurrent.ConcurrentLinkedQueue<VectorChunk> returnTo = free;
        DataType.Kind[] layout = kinds;
        submit(
            () -> {
              if (vectors == null) {
                vectors = VectorAppender.open(connection, schema, table.name, layout);
                if (vectors == null) {
                  throw new SQLException("The driver's vectors are not available");
                }
              }
              vectors.append(c);
              c.clear();
              returnTo.add(c);
            },
            "staging rows of table " + table.name,
            c.bytes());
      }

      /** Drops the rows of the chunk being filled (they are being rolled back). */
      void dropChunk() {
        if (chunk != null) {
          chunk.clear();
        }
      }

      void closeAppender() throws SQLException {
        if (vectors != null) {
          VectorAppender v = vectors;
          vectors = null;
          v.close();
        }
        if (appender != null) {
          DuckDBAppender a = appender;
          appender = null;
          a.close();
        }
      }

      void abandonAppender() {
        if (vectors != null) {
          vectors.abandon();
          vectors = null;
        }
        try {
          closeAppender();
        } catch (SQLException | RuntimeException e) {
          // Its rows are being rolled back anyway; a failing flush changes nothing.
          appender = null;
        }
      }

      void appendRow(Object[] row) throws SQLException {
        DuckDBAppender a = appender;
        a.beginRow();
        int n = kinds.length;
        for (int i = 0; i < n; i++) {
          Object v = i < row.length ? row[i] : null;
          if (v == null) {
            a.appendNull();
            continue;
          }
          switch (kinds[i]) {
            case TEXT, JSON -> a.append((String) v);
            case BIGINT -> a.append(((Number) v).longValue());
            case DOUBLE -> a.append(((Number) v).doubleValue());
            case BOOLEAN -> a.append(((Boolean) v).booleanValue());
            case TIMESTAMP, TIMESTAMPTZ -> a.appendEpochMicros((Long) v);
            case DATE -> a.appendEpochDays(((Number) v).intValue());
            case INTEGER -> a.append(((Number) v).intValue());
            case SMALLINT -> a.append(((Number) v).shortValue());
            case REAL -> a.append(((Number) v).floatValue());
            case DECIMAL -> {
              BigDecimal d =
                  v instanceof BigDecimal b ? b : BigDecimal.valueOf(((Number) v).longValue());
              a.append(d.setScale(scales[i], RoundingMode.UNNECESSARY));
            }
            case UUID -> a.append((UUID) v);
            case BINARY ->
                a.append((byte[]) v); // appendByteArray writes a LIST of TINYINT, not a BLOB
            case TIME -> a.appendDayMicros(EpochValues.dayMicros((LocalTime) v));
            default -> a.append(v.toString());
          }
        }
        a.endRow();
      }
    }
  }
}
