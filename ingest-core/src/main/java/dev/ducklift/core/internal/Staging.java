package dev.ducklift.core.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.internal.NormalizedTable.ColumnState;
import dev.ducklift.core.schema.DataType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private final DuckDBConnection connection;
  private final Path file;

  private Staging(DuckDBConnection connection, Path file) {
    this.connection = connection;
    this.file = file;
  }

  /** Opens (creating if needed) the staging file in {@code workingDirectory}. */
  public static Staging open(Path workingDirectory) {
    Path file = workingDirectory.resolve(FILE_NAME);
    try {
      Files.createDirectories(workingDirectory);
      DuckDBConnection connection =
          (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
      try (Statement st = connection.createStatement()) {
        // Staged rows live for one load: letting the WAL grow instead of checkpointing it into
        // the database file while a load is written avoids rewriting data that is dropped soon.
        st.execute("SET checkpoint_threshold = '1GB'");
        // Appends spill full row groups to the file as they arrive, and choosing a compression
        // for every column segment (dictionary, FSST, bitpacking analysis) is most of the cost
        // of an append. Staged rows are read once, by the promote, and then dropped: storing
        // them uncompressed costs file space only for a load's lifetime.
        st.execute("SET force_compression = 'uncompressed'");
        st.execute(
            "CREATE TABLE IF NOT EXISTS main."
                + JOURNAL
                + " (seq BIGINT, load_id VARCHAR, resource VARCHAR, status VARCHAR,"
                + " manifest VARCHAR)");
      }
      return new Staging(connection, file);
    } catch (Exception e) {
      throw new DuckliftException(
          "Cannot open the staging database " + file + ": " + e.getMessage(), e);
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
   */
  public final class LoadWriter implements Normalizer.RowSink, AutoCloseable {
    private final String loadId;
    private final String schema;
    private final long seq;
    private final Map<NormalizedTable, TableWriter> writers = new IdentityHashMap<>();
    private long rowsSinceCheckpoint;
    private long rowsCommitted;
    private final Map<String, Long> committedRowsByTable = new HashMap<>();
    private final Map<String, Long> pendingRowsByTable = new HashMap<>();
    private boolean open;

    private LoadWriter(String loadId, long seq) {
      this.loadId = loadId;
      this.schema = schemaName(loadId);
      this.seq = seq;
      try {
        connection.setAutoCommit(false);
        open = true;
        execute("CREATE SCHEMA IF NOT EXISTS " + quote(schema));
      } catch (SQLException e) {
        throw failure("begin", e);
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

    /** Creates or alters the staging table of {@code table} to its current schema. */
    public void ensureTable(NormalizedTable table) {
      TableWriter w = writers.get(table);
      if (w == null) {
        w = new TableWriter(table);
        writers.put(table, w);
      }
      w.sync();
    }

    @Override
    public void append(NormalizedTable table, Object[][] rows, int count) {
      TableWriter w = writers.get(table);
      if (w == null) {
        w = new TableWriter(table);
        writers.put(table, w);
      }
      if (w.appliedVersion != table.version) {
        w.sync();
      }
      try {
        if (w.vectors == null && w.appender == null) {
          // Appenders are confined to the thread that creates them: the one appending.
          w.vectors = VectorAppender.open(connection, schema, table.name, w.kinds);
          if (w.vectors == null) {
            w.appender = connection.createAppender(schema, table.name);
          }
        }
        if (w.vectors != null) {
          for (int i = 0; i < count; i++) {
            w.vectors.appendRow(rows[i]);
          }
        } else {
          for (int i = 0; i < count; i++) {
            w.appendRow(rows[i]);
          }
        }
      } catch (SQLException | RuntimeException e) {
        throw new DuckliftException(
            "Cannot stage a row of table '"
                + table.name
                + "' in load "
                + loadId
                + ": "
                + e.getMessage(),
            e);
      }
      rowsSinceCheckpoint += count;
      pendingRowsByTable.merge(table.name, (long) count, Long::sum);
    }

    /**
     * The appender of {@code table}'s staging table (created or altered to the table's schema
     * first), for a caller that appends typed rows itself in the table's column order; report them
     * with {@link #rowsAppended}. The appender is closed by {@link #checkpoint}, so ask again after
     * one.
     */
    DuckDBAppender typedAppender(NormalizedTable table) {
      TableWriter w = writers.get(table);
      if (w == null) {
        w = new TableWriter(table);
        writers.put(table, w);
      }
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
      TableWriter w = writers.get(table);
      if (w == null) {
        w = new TableWriter(table);
        writers.put(table, w);
      }
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
      try {
        for (TableWriter w : writers.values()) {
          w.closeAppender();
        }
      } catch (SQLException e) {
        throw failure("flushing rows", e);
      }
    }

    /**
     * Flushes the appenders and commits their rows, schema changes and the journal row {@code
     * manifest} in one transaction; then opens the next transaction.
     */
    public void checkpoint(LoadManifest manifest) {
      try {
        for (TableWriter w : writers.values()) {
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
          ins.setString(5, manifest.toJson());
          ins.executeUpdate();
        }
        connection.commit();
        rowsCommitted += rowsSinceCheckpoint;
        rowsSinceCheckpoint = 0;
        pendingRowsByTable.forEach((k, v) -> committedRowsByTable.merge(k, v, Long::sum));
        pendingRowsByTable.clear();
        // DuckDB starts a transaction lazily on the next statement; appenders only join an
        // active one, so start it now.
        execute("SELECT 1");
      } catch (SQLException e) {
        throw failure("checkpoint", e);
      }
    }

    /** Rows that {@link #checkpoint} would commit now, per table (committed plus pending). */
    public long rowsIncludingPending(String table) {
      return committedRowsByTable.getOrDefault(table, 0L)
          + pendingRowsByTable.getOrDefault(table, 0L);
    }

    /** Discards everything since the last checkpoint. */
    public void rollback() {
      if (!open) {
        return;
      }
      for (TableWriter w : writers.values()) {
        w.abandonAppender();
      }
      try {
        connection.rollback();
      } catch (SQLException e) {
        throw failure("rollback", e);
      }
      rowsSinceCheckpoint = 0;
      pendingRowsByTable.clear();
      for (TableWriter w : writers.values()) {
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
          connection.setAutoCommit(true);
        } catch (SQLException e) {
          throw failure("close", e);
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

    private final class TableWriter {
      private final NormalizedTable table;
      private final Map<String, DataType> applied = new HashMap<>();
      private int appliedVersion = -1;
      private boolean created;
      private DuckDBAppender appender;
      private VectorAppender vectors;
      private DataType.Kind[] kinds = new DataType.Kind[0];
      private int[] scales = new int[0];

      TableWriter(NormalizedTable table) {
        this.table = table;
      }

      void sync() {
        try {
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
                        + c.type().duckdbType());
              }
            }
          }
          if (!ddl.isEmpty()) {
            closeAppender();
            for (String sql : ddl) {
              execute(sql);
            }
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
          }
          appliedVersion = table.version;
        } catch (SQLException e) {
          throw failure("creating table " + table.name, e);
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
            case TIME -> a.append((LocalTime) v);
            default -> a.append(v.toString());
          }
        }
        a.endRow();
      }
    }
  }
}
