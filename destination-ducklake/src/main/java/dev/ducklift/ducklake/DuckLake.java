package dev.ducklift.ducklake;

import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.storage.LakeFiles;
import dev.ducklift.ducklake.storage.StorageLocation;
import dev.ducklift.ducklake.write.CatalogReads;
import dev.ducklift.ducklake.write.ColumnCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import org.duckdb.DuckDBConnection;

/**
 * A DuckLake: a catalog (DuckDB file or PostgreSQL) plus a data path holding the Parquet files.
 * Entry point of the write API ({@link #newTransaction()}).
 *
 * <p>Thread-safe: any number of transactions may be built and committed concurrently, from this and
 * from other processes; commits are optimistic and retried on conflicts.
 */
public final class DuckLake implements AutoCloseable {
  private static final String CREATED_BY = "Ducklift";

  private final CatalogDatabase catalog;
  private final String dataPath;
  private final DuckLakeOptions options;
  private DuckDBConnection scratchRoot;
  private final boolean requireCommitInfo;
  private final ColumnCache columnCache = new ColumnCache();
  private final LakeFiles files;

  private DuckLake(CatalogDatabase catalog, String dataPath, DuckLakeOptions options) {
    this(catalog, dataPath, options, LakeFiles.local());
  }

  private DuckLake(
      CatalogDatabase catalog, String dataPath, DuckLakeOptions options, LakeFiles files) {
    this.catalog = catalog;
    this.dataPath = dataPath;
    this.files = files;
    this.options = options;
    this.requireCommitInfo =
        "true".equals(catalog.metadataValue("require_commit_message").orElse(null));
  }

  /**
   * Whether the lake's {@code require_commit_message} option is set: commits then need an author,
   * message or extra info ({@link Transaction#commitInfo}).
   */
  public boolean requiresCommitInfo() {
    return requireCommitInfo;
  }

  /**
   * Opens an existing lake for reading and writing.
   *
   * @param dataPath the data directory; {@code null} uses the catalog's {@code data_path}; a value
   *     overrides it for this process (like the official {@code OVERRIDE_DATA_PATH})
   * @throws DuckLakeException if the catalog is unreachable, holds no lake, or has a format version
   *     other than 1.0
   */
  public static DuckLake open(CatalogLocation catalog, Path dataPath) {
    return open(catalog, dataPath, DuckLakeOptions.DEFAULTS);
  }

  /** Like {@link #open(CatalogLocation, Path)} with options. */
  public static DuckLake open(CatalogLocation catalog, Path dataPath, DuckLakeOptions options) {
    return openExisting(catalog, local(dataPath), options, false);
  }

  /**
   * Opens an existing lake whose files are at {@code storage} (a directory or a bucket prefix);
   * {@code null} uses the catalog's {@code data_path} (an {@code s3://} one with the SDK's default
   * settings).
   */
  public static DuckLake open(
      CatalogLocation catalog, StorageLocation storage, DuckLakeOptions options) {
    return openExisting(catalog, storage, options, false);
  }

  private static StorageLocation local(Path dataPath) {
    return dataPath == null ? null : StorageLocation.local(dataPath);
  }

  /** Opens an existing lake read-only (a DuckDB catalog file is attached read-only). */
  public static DuckLake openReadOnly(CatalogLocation catalog, Path dataPath) {
    return openReadOnly(catalog, dataPath, DuckLakeOptions.DEFAULTS);
  }

  /** Like {@link #openReadOnly(CatalogLocation, Path)} with options (the busy timeout). */
  public static DuckLake openReadOnly(
      CatalogLocation catalog, Path dataPath, DuckLakeOptions options) {
    return openExisting(catalog, local(dataPath), options, true);
  }

  /**
   * Creates a new lake: the catalog tables, snapshot 0 with schema {@code main}, and the data
   * directory.
   *
   * @throws DuckLakeException if a lake exists there already, or the catalog or the data path
   *     cannot be written
   */
  public static DuckLake create(CatalogLocation catalog, Path dataPath) {
    return create(catalog, dataPath, DuckLakeOptions.DEFAULTS);
  }

  /** Like {@link #create(CatalogLocation, Path)} with options. */
  public static DuckLake create(CatalogLocation catalog, Path dataPath, DuckLakeOptions options) {
    Objects.requireNonNull(dataPath, "dataPath");
    return create(catalog, StorageLocation.local(dataPath), options);
  }

  /** Creates a new lake whose files go to {@code storage} (a directory or a bucket prefix). */
  public static DuckLake create(
      CatalogLocation catalog, StorageLocation storage, DuckLakeOptions options) {
    Objects.requireNonNull(storage, "storage");
    String path = prepareDataPath(storage);
    LakeFiles files = LakeFiles.open(storage);
    CatalogDatabase db;
    try {
      db =
          CatalogDatabase.open(
              catalog, false, options.connectionDecorator(), options.busyTimeout());
    } catch (RuntimeException e) {
      files.close();
      throw e;
    }
    try (CatalogDatabase.Hold held = db.hold()) {
      if (db.isInitialized()) {
        throw new DuckLakeException("A DuckLake exists already in the catalog " + catalog);
      }
      db.initialize(path, CREATED_BY);
      return new DuckLake(db, path, options, files);
    } catch (RuntimeException e) {
      db.close();
      files.close();
      throw e;
    }
  }

  /** Opens the lake if the catalog holds one, else creates it. */
  public static DuckLake openOrCreate(CatalogLocation catalog, Path dataPath) {
    return openOrCreate(catalog, dataPath, DuckLakeOptions.DEFAULTS);
  }

  /** Like {@link #openOrCreate(CatalogLocation, Path)} with options. */
  public static DuckLake openOrCreate(
      CatalogLocation catalog, Path dataPath, DuckLakeOptions options) {
    Objects.requireNonNull(dataPath, "dataPath");
    return openOrCreate(catalog, StorageLocation.local(dataPath), options);
  }

  /** Opens the lake if the catalog holds one, else creates it with its files at {@code storage}. */
  public static DuckLake openOrCreate(
      CatalogLocation catalog, StorageLocation storage, DuckLakeOptions options) {
    Objects.requireNonNull(storage, "storage");
    LakeFiles files = null;
    CatalogDatabase db =
        CatalogDatabase.open(catalog, false, options.connectionDecorator(), options.busyTimeout());
    try (CatalogDatabase.Hold held = db.hold()) {
      String path = prepareDataPath(storage);
      files = LakeFiles.open(storage);
      if (!db.isInitialized()) {
        try {
          db.initialize(path, CREATED_BY);
        } catch (DuckLakeException e) {
          // another process may have created it at the same moment
          if (!db.isInitialized()) {
            throw e;
          }
        }
      }
      db.checkVersion();
      return new DuckLake(db, path, options, files);
    } catch (RuntimeException e) {
      db.close();
      if (files != null) {
        files.close();
      }
      throw e;
    }
  }

  private static DuckLake openExisting(
      CatalogLocation catalog, StorageLocation storage, DuckLakeOptions options, boolean readOnly) {
    CatalogDatabase db =
        CatalogDatabase.open(
            catalog, readOnly, options.connectionDecorator(), options.busyTimeout());
    LakeFiles files = null;
    try (CatalogDatabase.Hold held = db.hold()) {
      if (!db.isInitialized()) {
        throw new DuckLakeException("The catalog " + catalog + " holds no DuckLake");
      }
      db.checkVersion();
      if (storage == null) {
        String stored =
            db.dataPath()
                .map(DuckLake::withTrailingSlash)
                .orElseThrow(
                    () -> new DuckLakeException("The catalog " + catalog + " has no data_path"));
        if (!stored.startsWith("s3://")) {
          return new DuckLake(db, stored, options);
        }
        storage = StorageLocation.s3(stored, null);
      }
      String path =
          readOnly && !storage.isRemote()
              ? normalize(storage.directory())
              : prepareDataPath(storage);
      files = LakeFiles.open(storage);
      return new DuckLake(db, path, options, files);
    } catch (RuntimeException e) {
      db.close();
      if (files != null) {
        files.close();
      }
      throw e;
    }
  }

  /** The data path as stored: the bucket URI, or the created, writable absolute directory. */
  private static String prepareDataPath(StorageLocation storage) {
    return storage.isRemote() ? storage.uri() : prepareDataPath(storage.directory());
  }

  private static String prepareDataPath(Path dataPath) {
    Path abs = dataPath.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new DuckLakeException("Cannot create the data path " + abs + ": " + e, e);
    }
    if (!Files.isWritable(abs)) {
      throw new DuckLakeException("The data path " + abs + " is not writable");
    }
    return normalize(abs);
  }

  private static String normalize(Path p) {
    return withTrailingSlash(p.toAbsolutePath().normalize().toString().replace('\\', '/'));
  }

  private static String withTrailingSlash(String s) {
    return s.endsWith("/") ? s : s + "/";
  }

  /** The catalog database. */
  public CatalogDatabase catalog() {
    return catalog;
  }

  /** The absolute data path, {@code /}-separated, ending in {@code /}. */
  public String dataPath() {
    return dataPath;
  }

  /** The lake's files: every read, write and delete of a data or delete file goes through it. */
  public LakeFiles files() {
    return files;
  }

  /** The options in effect. */
  public DuckLakeOptions options() {
    return options;
  }

  /** Starts a transaction based on the latest snapshot. */
  public Transaction newTransaction() {
    return new Transaction(this);
  }

  /** The latest snapshot. */
  public SnapshotInfo currentSnapshot() {
    try (Connection c = catalog.connect()) {
      CatalogReads reads = new CatalogReads(catalog);
      long id = reads.latestSnapshot(c).id();
      return reads.snapshotsAfter(c, id - 1).get(0);
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the latest snapshot of " + catalog.location() + ": " + e.getMessage(), e);
    }
  }

  /** Snapshots after {@code snapshotId}, oldest first. */
  public List<SnapshotInfo> snapshotsAfter(long snapshotId) {
    try (Connection c = catalog.connect()) {
      return new CatalogReads(catalog).snapshotsAfter(c, snapshotId);
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the snapshots of " + catalog.location() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The live data files of a table at the latest snapshot, with their live delete files and
   * per-column statistics (for pruning by min/max).
   *
   * @throws DuckLakeException if the table does not exist
   */
  public List<DataFileInfo> liveDataFiles(TableName table) {
    return LiveFiles.list(this, table);
  }

  /** Table columns shared by this lake's transactions, by schema version. */
  ColumnCache columnCache() {
    return columnCache;
  }

  /** Opens an in-memory DuckDB connection (Parquet and JSON available), for scratch work. */
  Connection newScratchConnection() {
    synchronized (this) {
      try {
        if (scratchRoot == null) {
          scratchRoot = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        }
        return scratchRoot.duplicate();
      } catch (SQLException e) {
        throw new DuckLakeException("Cannot open an in-memory DuckDB: " + e.getMessage(), e);
      }
    }
  }

  /** Releases the catalog database. Transactions of this lake must not be used afterwards. */
  @Override
  public void close() {
    synchronized (this) {
      if (scratchRoot != null) {
        try {
          scratchRoot.close();
        } catch (SQLException ignored) {
          // in-memory scratch database
        }
        scratchRoot = null;
      }
    }
    catalog.close();
    files.close();
  }

  @Override
  public String toString() {
    return "DuckLake[" + catalog.location() + ", data " + dataPath + "]";
  }
}
