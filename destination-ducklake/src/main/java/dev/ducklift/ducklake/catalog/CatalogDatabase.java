package dev.ducklift.ducklake.catalog;

import dev.ducklift.core.spi.CrashPoints;
import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.internal.ConnectionPool;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * The SQL database holding a DuckLake catalog. It opens JDBC connections to it, knows the qualified
 * names of the catalog tables, creates a new catalog and checks the format version of an existing
 * one.
 *
 * <p>A DuckDB-file catalog is attached (as {@value #DUCKDB_ALIAS}) to one in-memory DuckDB database
 * per file and process, shared by every {@code CatalogDatabase} of that file (DuckDB attaches a
 * file only once per process; a file attached read-only cannot also be written); {@link #connect()}
 * hands out connections to that database. A DuckDB file can be open in one process at a time (or
 * read-only in several), so the file is attached only while a connection or a {@link #hold()} uses
 * it and detached when the last one closes: a reader and a writer in different processes, or two
 * writers, interleave. Attaching a file another process holds is retried with backoff up to the
 * busy timeout. A new file is created under a temporary name and renamed into place (a kill leaves
 * no file or a valid one), with storage version v1.5.0 so that DuckDB 1.5 and 2.0 both open it. A
 * PostgreSQL catalog gets pooled pgjdbc connections.
 *
 * <p>Thread-safe. Connections returned by {@link #connect()} are not; close them.
 */
public final class CatalogDatabase implements AutoCloseable {
  /** The alias under which a DuckDB catalog file is attached. */
  public static final String DUCKDB_ALIAS = "meta";

  /**
   * Crash point: a new DuckDB catalog file is complete under its temporary name, not yet renamed
   * into place.
   */
  public static final String CRASH_CREATING_CATALOG = "ducklake-creating-catalog";

  private static final String CREATING_ALIAS = "ducklift_creating";
  private static final String CREATING = ".creating";

  /** The kinds of SQL database a catalog can live in. */
  public enum Dialect {
    DUCKDB,
    POSTGRES
  }

  /** How long {@link #open} waits for a DuckDB catalog file held by another process by default. */
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(30);

  private final CatalogLocation location;
  private final boolean readOnly;
  private final UnaryOperator<Connection> decorator;
  private final SharedFile shared;
  private final Duration busyTimeout;
  private boolean closed;
  private final String schemaPrefix;
  private final ConnectionPool pool;
  private final ReentrantLock commitLock;

  /**
   * DuckDB allows a database file to be attached only once per process, so every {@code
   * CatalogDatabase} of one file in this process shares one attachment, closed with the last.
   */
  private static final Map<Path, SharedFile> OPEN_FILES = new HashMap<>();

  private static final class SharedFile {
    final Path file;
    final ReentrantLock commitLock = new ReentrantLock();

    /** Open {@code CatalogDatabase}s of the file, and how many of them write. */
    int references;

    volatile int writers;

    /** Open connections and holds; the file is attached while there is one. */
    int users;

    DuckDBConnection root;
    boolean attachedReadOnly;

    SharedFile(Path file) {
      this.file = file;
    }

    /** Whether the file is attached to {@link #root} (as {@value #DUCKDB_ALIAS}). */
    boolean attached;

    /** Attaches the file if no one uses it yet, and counts a user. */
    synchronized DuckDBConnection acquire(boolean readOnly, Duration busyTimeout)
        throws SQLException {
      if (!attached) {
        attach(writers == 0, busyTimeout);
      } else if (attachedReadOnly && !readOnly) {
        throw new DuckLakeException(
            "Cannot open the DuckDB catalog file "
                + file
                + " for writing: this process has it open read-only");
      }
      users++;
      return root;
    }

    /** Counts a user out; the last one detaches the file, letting other processes open it. */
    synchronized void release() {
      if (--users == 0) {
        detach();
      }
    }

    private void attach(boolean readOnly, Duration busyTimeout) throws SQLException {
      if (root == null) {
        root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
      }
      long deadline = System.nanoTime() + busyTimeout.toNanos();
      long wait = 5;
      while (true) {
        if (!readOnly && !Files.exists(file)) {
          createFile(root, file);
        }
        try (Statement s = root.createStatement()) {
          s.execute(
              "ATTACH "
                  + literal(file.toString())
                  + " AS "
                  + quote(DUCKDB_ALIAS)
                  + (readOnly ? " (READ_ONLY)" : ""));
          attached = true;
          attachedReadOnly = readOnly;
          return;
        } catch (SQLException e) {
          if (!heldElsewhere(e)) {
            throw e;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new CatalogBusyException(file, busyTimeout, e);
          }
          try {
            Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, jitter(wait)));
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new DuckLakeException(
                "Interrupted while waiting for the DuckDB catalog file " + file, ie);
          }
          wait = Math.min(wait * 2, 200);
        }
      }
    }

    private void detach() {
      if (!attached) {
        return;
      }
      attached = false;
      try (Statement s = root.createStatement()) {
        s.execute("DETACH " + quote(DUCKDB_ALIAS));
      } catch (SQLException e) {
        // closing the in-memory database releases the file all the same
        closeQuietly(root);
        root = null;
      }
    }

    void closeRoot() {
      attached = false;
      closeQuietly(root);
      root = null;
    }
  }

  private static long jitter(long millis) {
    return millis / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(millis / 2 + 1);
  }

  /** Whether DuckDB failed to attach because another process holds a lock on the file. */
  private static boolean heldElsewhere(SQLException e) {
    return String.valueOf(e.getMessage()).contains("Could not set lock on file");
  }

  /**
   * Creates an empty DuckDB file at {@code file} under a temporary name, renamed into place when
   * complete; if another process created the file meanwhile, theirs is kept.
   */
  private static void createFile(DuckDBConnection root, Path file) throws SQLException {
    Path directory = file.toAbsolutePath().getParent();
    Path temporary =
        directory.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + CREATING);
    try {
      removeAbandoned(file);
      deleteWithWal(temporary);
      try (Statement s = root.createStatement()) {
        s.execute(
            "ATTACH "
                + literal(temporary.toString())
                + " AS "
                + quote(CREATING_ALIAS)
                + " (STORAGE_VERSION 'v1.5.0')");
        s.execute("DETACH " + quote(CREATING_ALIAS));
      }
      CrashPoints.reach(CRASH_CREATING_CATALOG);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try {
        // a link never replaces a file another process created meanwhile, unlike a rename
        Files.createLink(file, temporary);
      } catch (FileAlreadyExistsException e) {
        // another process created it: use theirs
      } catch (UnsupportedOperationException | IOException e) {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new DuckLakeException(
          "Cannot create the DuckDB catalog file " + file + ": " + e.getMessage(), e);
    } finally {
      try {
        deleteWithWal(temporary);
      } catch (IOException ignored) {
        // a leftover temporary file is removed by the next creation
      }
    }
  }

  private static void deleteWithWal(Path file) throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
  }

  /** Deletes temporary catalog files of creations whose process is gone. */
  private static void removeAbandoned(Path file) throws IOException {
    String prefix = file.getFileName() + ".";
    try (Stream<Path> files = Files.list(file.toAbsolutePath().getParent())) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        int end = name.indexOf(CREATING);
        if (!name.startsWith(prefix) || end < prefix.length()) {
          continue;
        }
        try {
          long pid = Long.parseLong(name.substring(prefix.length(), end));
          if (pid == ProcessHandle.current().pid()
              || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            continue;
          }
        } catch (NumberFormatException e) {
          continue;
        }
        Files.deleteIfExists(p);
      }
    }
  }

  private CatalogDatabase(
      CatalogLocation location,
      boolean readOnly,
      UnaryOperator<Connection> decorator,
      SharedFile shared,
      Duration busyTimeout) {
    this.location = location;
    this.readOnly = readOnly;
    this.decorator = decorator;
    this.shared = shared;
    this.busyTimeout = busyTimeout;
    this.commitLock = shared == null ? new ReentrantLock() : shared.commitLock;
    this.pool = shared == null ? new ConnectionPool(this::openPostgres, 16) : null;
    this.schemaPrefix =
        location instanceof CatalogLocation.Postgres p
            ? quote(p.schema()) + "."
            : quote(DUCKDB_ALIAS) + ".";
  }

  /**
   * Opens the database of a catalog (creating an empty DuckDB file if it does not exist and {@code
   * readOnly} is false). Does not create or check the catalog tables.
   *
   * @throws DuckLakeException if the database cannot be reached or opened
   */
  public static CatalogDatabase open(CatalogLocation location, boolean readOnly) {
    return open(location, readOnly, UnaryOperator.identity());
  }

  /**
   * Like {@link #open(CatalogLocation, boolean)}, passing every connection through {@code
   * decorator} before handing it out (used to observe or inject faults into catalog traffic).
   */
  public static CatalogDatabase open(
      CatalogLocation location, boolean readOnly, UnaryOperator<Connection> decorator) {
    return open(location, readOnly, decorator, DEFAULT_BUSY_TIMEOUT);
  }

  /**
   * Like {@link #open(CatalogLocation, boolean, UnaryOperator)}, waiting up to {@code busyTimeout}
   * for a DuckDB catalog file that another process holds, whenever this database attaches it.
   *
   * @throws CatalogBusyException if the file stays held by another process past the busy timeout
   */
  public static CatalogDatabase open(
      CatalogLocation location,
      boolean readOnly,
      UnaryOperator<Connection> decorator,
      Duration busyTimeout) {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(decorator, "decorator");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    if (location instanceof CatalogLocation.DuckDbFile f) {
      return openDuckDb(f, readOnly, decorator, busyTimeout);
    }
    CatalogDatabase db = new CatalogDatabase(location, readOnly, decorator, null, busyTimeout);
    db.ensurePostgresSchema();
    return db;
  }

  private static CatalogDatabase openDuckDb(
      CatalogLocation.DuckDbFile f,
      boolean readOnly,
      UnaryOperator<Connection> decorator,
      Duration busyTimeout) {
    boolean exists = Files.exists(f.file());
    if (readOnly && !exists) {
      throw new DuckLakeException("The DuckDB catalog file " + f.file() + " does not exist");
    }
    if (!exists && (f.file().getParent() == null || !Files.isDirectory(f.file().getParent()))) {
      throw new DuckLakeException(
          "Cannot create the DuckDB catalog file " + f.file() + ": its directory does not exist");
    }
    SharedFile file;
    synchronized (OPEN_FILES) {
      file = OPEN_FILES.computeIfAbsent(f.file(), SharedFile::new);
      file.references++;
      if (!readOnly) {
        file.writers++;
      }
    }
    return new CatalogDatabase(f, readOnly, decorator, file, busyTimeout);
  }

  private void ensurePostgresSchema() {
    CatalogLocation.Postgres p = (CatalogLocation.Postgres) location;
    if (readOnly || p.metadataSchema().isEmpty()) {
      try (Connection c = connect()) {
        // opening the connection is the reachability check
        c.isValid(10);
        return;
      } catch (SQLException e) {
        throw unreachable(e);
      }
    }
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(p.schema()));
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot create the metadata schema "
              + p.schema()
              + " in "
              + location
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private DuckLakeException unreachable(SQLException e) {
    return new DuckLakeException(
        "Cannot connect to the catalog " + location + ": " + e.getMessage(), e);
  }

  /** The location this database was opened from. */
  public CatalogLocation location() {
    return location;
  }

  /** The kind of database. */
  public Dialect dialect() {
    return shared != null ? Dialect.DUCKDB : Dialect.POSTGRES;
  }

  /** Whether connections are read-only (DuckDB files are attached read-only then). */
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * Opens a new connection (auto-commit on). The caller closes it.
   *
   * @throws SQLException if the database cannot be reached
   */
  public Connection connect() throws SQLException {
    if (shared == null) {
      return decorator.apply(pool.borrow());
    }
    DuckDBConnection root = acquireFile();
    try {
      return decorator.apply(ReleasingConnection.wrap(root.duplicate(), shared::release));
    } catch (SQLException | RuntimeException e) {
      shared.release();
      throw e;
    }
  }

  /**
   * Keeps a DuckDB catalog file attached until the returned hold is closed, so that the connections
   * of one operation (a commit, a read) do not each attach it anew; other processes wait meanwhile.
   * Does nothing for a PostgreSQL catalog.
   *
   * @throws CatalogBusyException if the file stays held by another process past the busy timeout
   */
  public Hold hold() {
    if (shared == null) {
      return () -> {};
    }
    acquireFile();
    boolean[] released = new boolean[1];
    return () -> {
      synchronized (released) {
        if (!released[0]) {
          released[0] = true;
          shared.release();
        }
      }
    };
  }

  /** A DuckDB catalog file kept attached; closing it lets the file go (idempotent). */
  @FunctionalInterface
  public interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  private DuckDBConnection acquireFile() {
    try {
      return shared.acquire(readOnly, busyTimeout);
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot open the DuckDB catalog file " + shared.file + ": " + e.getMessage(), e);
    }
  }

  private Connection openPostgres() throws SQLException {
    CatalogLocation.Postgres p = (CatalogLocation.Postgres) location;
    Properties props = new Properties();
    props.setProperty("user", p.user());
    props.setProperty("password", p.password().reveal());
    props.setProperty("ApplicationName", "ducklift");
    props.setProperty("connectTimeout", "10");
    props.setProperty("tcpKeepAlive", "true");
    Connection c = DriverManager.getConnection(p.jdbcUrl(), props);
    if (readOnly) {
      c.setReadOnly(true);
    }
    return c;
  }

  /**
   * Serializes the commits of Ducklift writers to this catalog, inside a metadata transaction on
   * {@code c}: on PostgreSQL a transaction-scoped advisory lock (released by COMMIT or ROLLBACK),
   * on a DuckDB file a lock in this process, which the caller releases with {@link
   * #releaseCommitLock()}. Writers then queue instead of colliding on the snapshot id and sleeping
   * before a retry; the snapshot primary key still guards against writers that do not lock (the
   * official extension).
   */
  public void acquireCommitLock(Connection c) throws SQLException {
    if (shared != null) {
      commitLock.lock();
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, advisoryKey());
      ps.executeQuery().close();
    }
  }

  /**
   * The statement that takes the PostgreSQL commit lock of {@link #acquireCommitLock(Connection)},
   * to be sent together with the reads that follow it; null on a DuckDB catalog.
   */
  public String commitLockSql() {
    return shared != null ? null : "SELECT pg_advisory_xact_lock(" + advisoryKey() + ")";
  }

  /** Releases the in-process part of {@link #acquireCommitLock(Connection)}, if held. */
  public void releaseCommitLock() {
    if (shared != null && commitLock.isHeldByCurrentThread()) {
      commitLock.unlock();
    }
  }

  private long advisoryKey() {
    CatalogLocation.Postgres p = (CatalogLocation.Postgres) location;
    long h = 1125899906842597L;
    for (char ch : ("ducklift-commit:" + p.schema()).toCharArray()) {
      h = 31 * h + ch;
    }
    return h;
  }

  /** The schema-qualified, quoted name of a catalog table: {@code "meta"."ducklake_snapshot"}. */
  public String table(String name) {
    return schemaPrefix + quote(name);
  }

  /** Whether the catalog tables exist (a DuckLake was created in this database). */
  public boolean isInitialized() {
    String schema = location instanceof CatalogLocation.Postgres p ? p.schema() : "main";
    String sql =
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name ="
            + " 'ducklake_metadata'"
            + (dialect() == Dialect.DUCKDB ? " AND table_catalog = '" + DUCKDB_ALIAS + "'" : "");
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    } catch (SQLException e) {
      throw unreachable(e);
    }
  }

  /**
   * Creates the 28 catalog tables and the initial contents of a new lake (snapshot 0 with schema
   * {@code main}), in one transaction.
   *
   * @param dataPath the data path as stored: absolute, {@code /}-separated, ending in {@code /}
   * @param createdBy the {@code created_by} text
   * @throws DuckLakeException if the tables exist already or cannot be created
   */
  public void initialize(String dataPath, String createdBy) {
    if (readOnly) {
      throw new DuckLakeException("Cannot create a lake in the read-only catalog " + location);
    }
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String[] d : CatalogTables.DEFINITIONS) {
          s.execute("CREATE TABLE " + table(d[0]) + "(" + d[1] + ")");
        }
        s.execute("INSERT INTO " + table("ducklake_snapshot") + " VALUES (0, NOW(), 0, 1, 0)");
        s.execute(
            "INSERT INTO "
                + table("ducklake_snapshot_changes")
                + " VALUES (0, 'created_schema:\"main\"', NULL, NULL, NULL)");
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + table("ducklake_metadata")
                    + " (key, value) VALUES ('version', ?), ('created_by', ?), ('data_path', ?),"
                    + " ('encrypted', 'false')")) {
          ps.setString(1, CatalogTables.FORMAT_VERSION);
          ps.setString(2, createdBy);
          ps.setString(3, dataPath);
          ps.executeUpdate();
        }
        s.execute(
            "INSERT INTO "
                + table("ducklake_schema")
                + " VALUES (0, '"
                + UUID.randomUUID()
                + "', 0, NULL, 'main', 'main/', true)");
      }
      c.commit();
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot create the DuckLake catalog tables in " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads and checks the catalog's format version and encryption flag.
   *
   * @return the version ({@code 1.0})
   * @throws DuckLakeException naming the version if it is not one Ducklift reads and writes
   */
  public String checkVersion() {
    String version = metadataValue("version").orElse(null);
    if (version == null) {
      throw new DuckLakeException(
          "The DuckLake catalog "
              + location
              + " has no format version (ducklake_metadata.version)");
    }
    if (!CatalogTables.FORMAT_VERSION.equals(version)) {
      throw new DuckLakeException(
          "The DuckLake catalog "
              + location
              + " has format version "
              + version
              + "; Ducklift reads and writes only DuckLake "
              + CatalogTables.FORMAT_VERSION);
    }
    String encrypted = metadataValue("encrypted").orElse("false");
    if (!"false".equals(encrypted)) {
      throw new DuckLakeException(
          "The DuckLake catalog " + location + " is encrypted, which Ducklift does not support");
    }
    return version;
  }

  /** The {@code data_path} stored in the catalog, if any. */
  public Optional<String> dataPath() {
    return metadataValue("data_path");
  }

  /** A global ({@code scope IS NULL}) value of {@code ducklake_metadata}. */
  public Optional<String> metadataValue(String key) {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT value FROM "
                    + table("ducklake_metadata")
                    + " WHERE key = ? AND scope IS NULL")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read ducklake_metadata." + key + " from " + location + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
    if (shared != null) {
      synchronized (OPEN_FILES) {
        if (closed) {
          return;
        }
        closed = true;
        if (!readOnly) {
          shared.writers--;
        }
        if (--shared.references == 0) {
          OPEN_FILES.remove(shared.file);
          synchronized (shared) {
            if (shared.users == 0) {
              shared.closeRoot();
            }
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "CatalogDatabase[" + location + (readOnly ? ", read-only" : "") + "]";
  }

  /** Quotes an SQL identifier (doubling inner quotes). */
  public static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** Quotes an SQL string literal (doubling inner single quotes). */
  public static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing an in-memory DuckDB database cannot lose data
      }
    }
  }
}
