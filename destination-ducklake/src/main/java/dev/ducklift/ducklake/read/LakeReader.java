package dev.ducklift.ducklake.read;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.ducklake.storage.LakeFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a DuckLake 1.0 lake from its catalog (any JDBC connection to a DuckDB-file or PostgreSQL
 * catalog) and its data path.
 *
 * <p>The catalog methods run plain SQL on the given connection and never write to it. Tables are
 * exposed to SQL by {@link #at(long)} / {@link #latest()}, which open an in-process DuckDB in which
 * each table of the snapshot is a view {@code "schema"."table"}.
 *
 * <p>Not thread-safe: the catalog connection is used without synchronisation. The reader does not
 * own the catalog connection; {@link #close()} only releases the reader's own DuckDB.
 */
public final class LakeReader implements AutoCloseable {
  /** Catalog format versions this reader understands. */
  public static final Set<String> SUPPORTED_VERSIONS = Set.of("1.0");

  /** The SQL dialect of the catalog database. */
  public enum Dialect {
    DUCKDB,
    POSTGRES
  }

  private final Connection catalog;
  private final Dialect dialect;
  private final String prefix;
  private final String dataPath;
  private final String version;
  private final Map<String, ParquetNode> parquetSchemas = new ConcurrentHashMap<>();
  private final boolean ownsCatalog;
  private final boolean encrypted;
  private Connection schemaEngine;
  private LakeFiles files = LakeFiles.local();
  private final java.util.concurrent.atomic.AtomicLong sessionCount =
      new java.util.concurrent.atomic.AtomicLong();

  private LakeReader(
      Connection catalog, String metadataSchema, String dataPathOverride, boolean ownsCatalog) {
    this.catalog = catalog;
    this.ownsCatalog = ownsCatalog;
    this.dialect = detectDialect(catalog);
    this.prefix =
        metadataSchema == null || metadataSchema.isBlank()
            ? ""
            : Sql.qualifier(metadataSchema) + ".";
    Map<String, String> metadata = globalMetadata();
    this.version = metadata.get("version");
    if (version == null) {
      throw new DuckliftException("The catalog has no DuckLake version in ducklake_metadata");
    }
    if (!SUPPORTED_VERSIONS.contains(version)) {
      throw new DuckliftException(
          "DuckLake catalog version '"
              + version
              + "' is not supported (this reader reads "
              + SUPPORTED_VERSIONS
              + ")");
    }
    this.encrypted = "true".equals(metadata.get("encrypted"));
    String path = dataPathOverride != null ? dataPathOverride : metadata.get("data_path");
    if (path == null || path.isBlank()) {
      throw new DuckliftException("The catalog has no data_path and none was given");
    }
    this.dataPath = normalizeDirectory(path);
  }

  /**
   * Opens a reader on a catalog connection whose DuckLake tables are reachable unqualified, using
   * the catalog's {@code data_path}.
   */
  public static LakeReader open(Connection catalog) {
    return new LakeReader(catalog, null, null, false);
  }

  /**
   * Opens a reader.
   *
   * @param metadataSchema the schema (PostgreSQL) or {@code database[.schema]} (DuckDB) holding the
   *     catalog tables; null for unqualified
   * @param dataPathOverride a data path replacing the catalog's (like the official {@code
   *     OVERRIDE_DATA_PATH}); null to use the catalog's
   * @throws DuckliftException when the catalog is not a DuckLake or has an unsupported version
   */
  public static LakeReader open(
      Connection catalog, String metadataSchema, String dataPathOverride) {
    return new LakeReader(catalog, metadataSchema, dataPathOverride, false);
  }

  /**
   * Opens a reader on a catalog database, with its own catalog connection (closed by {@link
   * #close()}).
   *
   * @param dataPathOverride a data path replacing the catalog's; null to use the catalog's
   */
  public static LakeReader open(
      dev.ducklift.ducklake.catalog.CatalogDatabase database, String dataPathOverride) {
    Connection connection;
    try {
      connection = database.connect();
    } catch (java.sql.SQLException e) {
      throw new DuckliftException(
          "Cannot connect to the catalog " + database.location() + ": " + e.getMessage(), e);
    }
    String schema =
        database.location() instanceof dev.ducklift.ducklake.catalog.CatalogLocation.Postgres p
            ? p.schema()
            : dev.ducklift.ducklake.catalog.CatalogDatabase.DUCKDB_ALIAS;
    try {
      return new LakeReader(connection, schema, dataPathOverride, true);
    } catch (RuntimeException e) {
      try {
        connection.close();
      } catch (java.sql.SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Opens a reader on a lake's catalog and data path (the lake stays open and owned by the caller).
   */
  public static LakeReader open(dev.ducklift.ducklake.DuckLake lake) {
    LakeReader reader = open(lake.catalog(), lake.dataPath());
    reader.files = lake.files();
    return reader;
  }

  /**
   * A local path DuckDB can read the lake file at {@code location} from (the file itself on a local
   * lake, a cached copy of the object otherwise).
   */
  public String readable(String location) {
    return files.readable(location);
  }

  /** The lake's files (storage, spool and read cache). */
  public LakeFiles files() {
    return files;
  }

  /** The catalog connection given at open. */
  public Connection catalogConnection() {
    return catalog;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Whether the lake's Parquet files are encrypted (their tables can then not be read). */
  public boolean encrypted() {
    return encrypted;
  }

  /** The catalog format version ({@code 1.0}). */
  public String version() {
    return version;
  }

  /** The absolute data path, with {@code /} separators and a trailing {@code /}. */
  public String dataPath() {
    return dataPath;
  }

  /** The qualified, quoted name of a catalog table, e.g. {@code "lake_meta"."ducklake_table"}. */
  public String catalogTable(String name) {
    return prefix + Sql.ident(name);
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots

  /** Every snapshot still in the catalog, oldest first, with its changes. */
  public List<Snapshot> snapshots() {
    return querySnapshots("", List.of());
  }

  /** The latest snapshot. */
  public Snapshot latestSnapshot() {
    List<Snapshot> found =
        querySnapshots(
            " WHERE s.snapshot_id = (SELECT MAX(snapshot_id) FROM "
                + catalogTable("ducklake_snapshot")
                + ")",
            List.of());
    if (found.isEmpty()) {
      throw new DuckliftException("The DuckLake catalog has no snapshot");
    }
    return found.get(0);
  }

  /**
   * The snapshot with this id.
   *
   * @throws DuckliftException when it does not exist (never written or expired)
   */
  public Snapshot snapshot(long id) {
    List<Snapshot> found = querySnapshots(" WHERE s.snapshot_id = ?", List.of(id));
    if (found.isEmpty()) {
      throw new DuckliftException("Snapshot " + id + " does not exist (never written or expired)");
    }
    return found.get(0);
  }

  /**
   * The snapshot current at a point in time: the one with the greatest {@code snapshot_time <=
   * time}.
   *
   * @throws DuckliftException when every snapshot is newer
   */
  public Snapshot snapshotAt(Instant time) {
    Snapshot best = null;
    for (Snapshot s : snapshots()) {
      if (!s.time().isAfter(time) && (best == null || !s.time().isBefore(best.time()))) {
        best = s;
      }
    }
    if (best == null) {
      throw new DuckliftException("No snapshot exists at or before " + time);
    }
    return best;
  }

  private List<Snapshot> querySnapshots(String where, List<Object> params) {
    String sql =
        "SELECT s.snapshot_id, s.snapshot_time, s.schema_version, s.next_catalog_id,"
            + " s.next_file_id, c.changes_made, c.author, c.commit_message, c.commit_extra_info"
            + " FROM "
            + catalogTable("ducklake_snapshot")
            + " s LEFT JOIN "
            + catalogTable("ducklake_snapshot_changes")
            + " c ON c.snapshot_id = s.snapshot_id"
            + where
            + " ORDER BY s.snapshot_id";
    List<Snapshot> result = new ArrayList<>();
    query(
        sql,
        params,
        rs ->
            result.add(
                new Snapshot(
                    rs.getLong(1),
                    instant(rs.getObject(2)),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getString(8),
                    rs.getString(9))));
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Catalog at a snapshot

  /** The schemas visible at a snapshot, by id. */
  public List<LakeSchema> schemas(long snapshotId) {
    List<LakeSchema> result = new ArrayList<>();
    query(
        "SELECT schema_id, schema_name, path, path_is_relative FROM "
            + catalogTable("ducklake_schema")
            + " WHERE "
            + visible("")
            + " ORDER BY schema_id",
        List.of(snapshotId, snapshotId),
        rs -> {
          String path = rs.getString(3);
          boolean relative = path == null || rs.getBoolean(4);
          result.add(
              new LakeSchema(rs.getLong(1), rs.getString(2), path == null ? "" : path, relative));
        });
    return result;
  }

  /** The tables visible at a snapshot, with their columns, ordered by schema and name. */
  public List<LakeTable> tables(long snapshotId) {
    Map<Long, LakeSchema> schemas = new HashMap<>();
    for (LakeSchema schema : schemas(snapshotId)) {
      schemas.put(schema.id(), schema);
    }
    List<Object[]> rows = new ArrayList<>();
    query(
        "SELECT table_id, CAST(table_uuid AS VARCHAR), schema_id, table_name, path,"
            + " path_is_relative FROM "
            + catalogTable("ducklake_table")
            + " WHERE "
            + visible("")
            + " ORDER BY table_id",
        List.of(snapshotId, snapshotId),
        rs ->
            rows.add(
                new Object[] {
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getObject(6) == null || rs.getBoolean(6)
                }));
    Map<Long, List<LakeColumn>> columns = rows.isEmpty() ? Map.of() : allColumns(snapshotId);
    List<LakeTable> result = new ArrayList<>();
    for (Object[] row : rows) {
      long tableId = (Long) row[0];
      LakeSchema schema = schemas.get((Long) row[2]);
      if (schema == null) {
        throw new DuckliftException(
            "Table '"
                + row[3]
                + "' (id "
                + tableId
                + ") at snapshot "
                + snapshotId
                + " belongs to schema id "
                + row[2]
                + ", which is not visible");
      }
      String schemaDir = resolve(dataPath, schema.path(), schema.pathIsRelative());
      String tablePath = (String) row[4];
      String tableDir =
          tablePath == null ? schemaDir : resolve(schemaDir, tablePath, (Boolean) row[5]);
      result.add(
          new LakeTable(
              tableId,
              (String) row[1],
              schema.id(),
              schema.name(),
              (String) row[3],
              directory(tableDir),
              columns.getOrDefault(tableId, List.of())));
    }
    result.sort(
        (a, b) -> {
          int c = a.schemaName().compareTo(b.schemaName());
          return c != 0 ? c : a.name().compareTo(b.name());
        });
    return result;
  }

  /** The views visible at a snapshot, by id. */
  public List<LakeView> views(long snapshotId) {
    Map<Long, String> schemas = new HashMap<>();
    for (LakeSchema schema : schemas(snapshotId)) {
      schemas.put(schema.id(), schema.name());
    }
    List<LakeView> result = new ArrayList<>();
    query(
        "SELECT view_id, schema_id, view_name, dialect, sql, column_aliases FROM "
            + catalogTable("ducklake_view")
            + " WHERE "
            + visible("")
            + " ORDER BY view_id",
        List.of(snapshotId, snapshotId),
        rs -> {
          String schema = schemas.get(rs.getLong(2));
          if (schema != null) {
            result.add(
                new LakeView(
                    rs.getLong(1),
                    schema,
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    aliases(rs.getString(6))));
          }
        });
    return result;
  }

  private static List<String> aliases(String text) {
    try {
      return SnapshotChange.quotedNames(text);
    } catch (DuckliftException e) {
      // Aliases only rename columns; a malformed list must not make the view unreadable.
      return List.of();
    }
  }

  /** A table by schema and name at a snapshot. */
  public Optional<LakeTable> table(long snapshotId, String schemaName, String tableName) {
    for (LakeTable t : tables(snapshotId)) {
      if (t.schemaName().equals(schemaName) && t.name().equals(tableName)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** A table by schema and name at a snapshot, or a clear error. */
  public LakeTable requireTable(long snapshotId, String schemaName, String tableName) {
    return table(snapshotId, schemaName, tableName)
        .orElseThrow(
            () ->
                new DuckliftException(
                    "Table "
                        + schemaName
                        + "."
                        + tableName
                        + " does not exist at snapshot "
                        + snapshotId));
  }

  /** The columns of a table at a snapshot as a tree (nested fields under their parents). */
  public List<LakeColumn> columns(long tableId, long snapshotId) {
    return columnsWhere(" AND table_id = ?", List.of(snapshotId, snapshotId, tableId))
        .getOrDefault(tableId, List.of());
  }

  /** The columns of every table at a snapshot, by table id, in one catalog query. */
  Map<Long, List<LakeColumn>> allColumns(long snapshotId) {
    return columnsWhere("", List.of(snapshotId, snapshotId));
  }

  private record ColumnRow(
      long table,
      long id,
      String name,
      String type,
      String initialDefault,
      String defaultValue,
      boolean nullsAllowed,
      Long parent) {}

  private Map<Long, List<LakeColumn>> columnsWhere(String filter, List<Object> params) {
    Map<Long, Map<Long, List<ColumnRow>>> byTable = new HashMap<>();
    query(
        "SELECT table_id, column_id, column_name, column_type, initial_default, default_value,"
            + " nulls_allowed, parent_column FROM "
            + catalogTable("ducklake_column")
            + " WHERE "
            + visible("")
            + filter
            + " ORDER BY table_id, column_order, column_id",
        params,
        rs -> {
          ColumnRow row =
              new ColumnRow(
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getObject(7) == null || rs.getBoolean(7),
                  (Long) longOrNull(rs, 8));
          byTable
              .computeIfAbsent(row.table(), k -> new HashMap<>())
              .computeIfAbsent(row.parent() == null ? -1L : row.parent(), k -> new ArrayList<>())
              .add(row);
        });
    Map<Long, List<LakeColumn>> result = new HashMap<>();
    for (Map.Entry<Long, Map<Long, List<ColumnRow>>> e : byTable.entrySet()) {
      result.put(e.getKey(), buildColumns(e.getValue(), -1L));
    }
    return result;
  }

  private static List<LakeColumn> buildColumns(Map<Long, List<ColumnRow>> byParent, long parent) {
    List<LakeColumn> out = new ArrayList<>();
    for (ColumnRow row : byParent.getOrDefault(parent, List.of())) {
      out.add(
          new LakeColumn(
              row.id(),
              row.name(),
              row.type(),
              row.initialDefault(),
              row.defaultValue(),
              row.nullsAllowed(),
              buildColumns(byParent, row.id())));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Files and inlined data

  /**
   * The data files of a table live at a snapshot, each with its delete file visible at that
   * snapshot, ordered by data file id.
   *
   * @throws DuckliftException when a data file has more than one visible delete file
   */
  public List<DataFile> dataFiles(LakeTable table, long snapshotId) {
    List<DeleteFile> deletes = deleteFiles(table, snapshotId);
    Map<Long, DeleteFile> deleteByFile = new HashMap<>();
    for (DeleteFile d : deletes) {
      if (deleteByFile.put(d.dataFileId(), d) != null) {
        throw new DuckliftException(
            "Data file "
                + d.dataFileId()
                + " of table "
                + table.qualifiedName()
                + " has more than one delete file visible at snapshot "
                + snapshotId);
      }
    }
    List<DataFile> result = new ArrayList<>();
    for (DataFile f :
        queryDataFiles(
            " WHERE table_id = ? AND " + visible(""),
            List.of(table.id(), snapshotId, snapshotId),
            id -> table.directory())) {
      result.add(withDelete(f, deleteByFile.get(f.id())));
    }
    return result;
  }

  /** Every data file row of the catalog (any snapshot), without delete files, by id. */
  public List<DataFile> allDataFiles() {
    Map<Long, String> directories = new HashMap<>();
    return queryDataFiles(
        "", List.of(), id -> directories.computeIfAbsent(id, this::tableDirectory));
  }

  /** Every delete file row of the catalog (any snapshot), by id. */
  public List<DeleteFile> allDeleteFiles() {
    Map<Long, String> directories = new HashMap<>();
    return queryDeleteFiles(
        "", List.of(), id -> directories.computeIfAbsent(id, this::tableDirectory));
  }

  /** The delete files of a table visible at a snapshot. */
  public List<DeleteFile> deleteFiles(LakeTable table, long snapshotId) {
    return queryDeleteFiles(
        " WHERE table_id = ? AND " + visible(""),
        List.of(table.id(), snapshotId, snapshotId),
        id -> table.directory());
  }

  /**
   * The absolute directory of a table's files (from its newest catalog row: renames keep the path),
   * ending in {@code /}.
   */
  public String tableDirectory(long tableId) {
    Object[][] found = {null};
    query(
        "SELECT t.path, t.path_is_relative, s.path, s.path_is_relative FROM "
            + catalogTable("ducklake_table")
            + " t LEFT JOIN "
            + catalogTable("ducklake_schema")
            + " s ON s.schema_id = t.schema_id WHERE t.table_id = ?"
            + " ORDER BY t.begin_snapshot DESC, s.begin_snapshot DESC",
        List.of(tableId),
        rs -> {
          if (found[0] == null) {
            found[0] =
                new Object[] {
                  rs.getString(1),
                  rs.getObject(2) == null || rs.getBoolean(2),
                  rs.getString(3),
                  rs.getObject(4) == null || rs.getBoolean(4)
                };
          }
        });
    if (found[0] == null) {
      throw new DuckliftException("Table id " + tableId + " is not in the catalog");
    }
    Object[] row = found[0];
    String schemaDir =
        row[2] == null ? dataPath : resolve(dataPath, (String) row[2], (Boolean) row[3]);
    return directory(
        row[0] == null ? schemaDir : resolve(schemaDir, (String) row[0], (Boolean) row[1]));
  }

  private static DataFile withDelete(DataFile f, DeleteFile d) {
    return new DataFile(
        f.id(),
        f.tableId(),
        f.beginSnapshot(),
        f.endSnapshot(),
        f.path(),
        f.catalogPath(),
        f.pathIsRelative(),
        f.recordCount(),
        f.fileSizeBytes(),
        f.footerSize(),
        f.rowIdStart(),
        f.partitionId(),
        f.mappingId(),
        f.partialMax(),
        d);
  }

  private List<DataFile> queryDataFiles(
      String where, List<Object> params, java.util.function.LongFunction<String> directory) {
    List<DataFile> result = new ArrayList<>();
    List<Object[]> rows = new ArrayList<>();
    query(
        "SELECT data_file_id, table_id, begin_snapshot, end_snapshot, path, path_is_relative,"
            + " record_count, file_size_bytes, footer_size, row_id_start, partition_id,"
            + " mapping_id, partial_max FROM "
            + catalogTable("ducklake_data_file")
            + where
            + " ORDER BY data_file_id",
        params,
        rs ->
            rows.add(
                new Object[] {
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getLong(3),
                  longOrNull(rs, 4),
                  rs.getString(5),
                  rs.getObject(6) == null || rs.getBoolean(6),
                  rs.getLong(7),
                  rs.getLong(8),
                  longOrNull(rs, 9),
                  longOrNull(rs, 10),
                  longOrNull(rs, 11),
                  longOrNull(rs, 12),
                  longOrNull(rs, 13)
                }));
    for (Object[] r : rows) {
      String path = (String) r[4];
      boolean relative = (Boolean) r[5];
      result.add(
          new DataFile(
              (Long) r[0],
              (Long) r[1],
              (Long) r[2],
              (Long) r[3],
              relative
                  ? resolve(directory.apply((Long) r[1]), path, true)
                  : resolve("", path, false),
              path,
              relative,
              (Long) r[6],
              (Long) r[7],
              (Long) r[8],
              (Long) r[9],
              (Long) r[10],
              (Long) r[11],
              (Long) r[12],
              null));
    }
    return result;
  }

  private List<DeleteFile> queryDeleteFiles(
      String where, List<Object> params, java.util.function.LongFunction<String> directory) {
    List<Object[]> rows = new ArrayList<>();
    query(
        "SELECT delete_file_id, table_id, data_file_id, begin_snapshot, end_snapshot, path,"
            + " path_is_relative, format, delete_count, file_size_bytes, footer_size, partial_max"
            + " FROM "
            + catalogTable("ducklake_delete_file")
            + where
            + " ORDER BY delete_file_id",
        params,
        rs ->
            rows.add(
                new Object[] {
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  longOrNull(rs, 5),
                  rs.getString(6),
                  rs.getObject(7) == null || rs.getBoolean(7),
                  rs.getString(8) == null ? "parquet" : rs.getString(8),
                  rs.getLong(9),
                  rs.getLong(10),
                  longOrNull(rs, 11),
                  longOrNull(rs, 12)
                }));
    List<DeleteFile> result = new ArrayList<>();
    for (Object[] r : rows) {
      String path = (String) r[5];
      boolean relative = (Boolean) r[6];
      result.add(
          new DeleteFile(
              (Long) r[0],
              (Long) r[1],
              (Long) r[2],
              (Long) r[3],
              (Long) r[4],
              relative
                  ? resolve(directory.apply((Long) r[1]), path, true)
                  : resolve("", path, false),
              path,
              relative,
              (String) r[7],
              (Long) r[8],
              (Long) r[9],
              (Long) r[10],
              (Long) r[11]));
    }
    return result;
  }

  /**
   * Every registered inlined-data table of a table (all schema versions), each with the column ids
   * of its user columns (mapped by name through the table's columns at the schema version's {@code
   * ducklake_schema_versions.begin_snapshot}).
   */
  public List<InlinedDataTable> inlinedDataTables(long tableId) {
    List<Object[]> registered = new ArrayList<>();
    query(
        "SELECT i.table_name, i.schema_version, (SELECT MIN(v.begin_snapshot) FROM "
            + catalogTable("ducklake_schema_versions")
            + " v WHERE v.table_id = i.table_id AND v.schema_version = i.schema_version),"
            + " (SELECT MIN(t.begin_snapshot) FROM "
            + catalogTable("ducklake_table")
            + " t WHERE t.table_id = i.table_id) FROM "
            + catalogTable("ducklake_inlined_data_tables")
            + " i WHERE i.table_id = ? ORDER BY i.schema_version",
        List.of(tableId),
        rs ->
            registered.add(
                new Object[] {
                  rs.getString(1), rs.getLong(2), longOrNull(rs, 3), longOrNull(rs, 4)
                }));
    List<InlinedDataTable> result = new ArrayList<>();
    for (Object[] row : registered) {
      String name = (String) row[0];
      Long at = row[2] != null ? (Long) row[2] : (Long) row[3];
      Map<String, LakeColumn> ids = new LinkedHashMap<>();
      if (at != null) {
        for (LakeColumn c : columns(tableId, at)) {
          ids.put(c.name(), c);
        }
      }
      result.add(new InlinedDataTable(tableId, name, (Long) row[1], ids));
    }
    return result;
  }

  /** The user-column names of an inlined-data table, in table order. */
  List<String> inlinedColumns(InlinedDataTable table) {
    List<String> names = new ArrayList<>();
    try (Statement st = catalog.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT * FROM " + catalogTable(table.name()) + " WHERE 1 = 0")) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        names.add(md.getColumnName(i));
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot read inlined-data table " + table.name() + ": " + e.getMessage(), e);
    }
    return names;
  }

  /**
   * The deletions of Parquet rows recorded in {@code ducklake_inlined_delete_<table>} visible at a
   * snapshot; empty when the table does not exist.
   */
  public List<InlinedDelete> inlinedDeletes(long tableId, long snapshotId) {
    String name = "ducklake_inlined_delete_" + tableId;
    List<InlinedDelete> result = new ArrayList<>();
    if (!relationExists(name)) {
      return result;
    }
    query(
        "SELECT file_id, row_id, begin_snapshot FROM "
            + catalogTable(name)
            + " WHERE begin_snapshot <= ? ORDER BY file_id, row_id",
        List.of(snapshotId),
        rs -> result.add(new InlinedDelete(rs.getLong(1), rs.getLong(2), rs.getLong(3))));
    return result;
  }

  /** Whether a table of this name exists in the catalog's metadata schema. */
  public boolean relationExists(String name) {
    String sql;
    List<Object> params = new ArrayList<>();
    if (dialect == Dialect.POSTGRES) {
      sql = "SELECT to_regclass(?) IS NOT NULL";
      params.add(prefix + Sql.ident(name));
    } else {
      String[] parts = prefix.isEmpty() ? new String[0] : prefixParts();
      String database = parts.length >= 1 ? "?" : "current_database()";
      String schema = parts.length >= 2 ? "?" : (parts.length == 1 ? "'main'" : "current_schema()");
      sql =
          "SELECT COUNT(*) > 0 FROM duckdb_tables() WHERE database_name = "
              + database
              + " AND schema_name = "
              + schema
              + " AND table_name = ?";
      params.addAll(List.of(parts));
      params.add(name);
    }
    boolean[] exists = {false};
    query(sql, params, rs -> exists[0] = rs.getBoolean(1));
    return exists[0];
  }

  private String[] prefixParts() {
    String body = prefix.substring(0, prefix.length() - 1);
    List<String> parts = new ArrayList<>();
    int i = 0;
    while (i < body.length()) {
      StringBuilder sb = new StringBuilder();
      i++; // opening quote
      while (i < body.length()) {
        char c = body.charAt(i);
        if (c == '"') {
          if (i + 1 < body.length() && body.charAt(i + 1) == '"') {
            sb.append('"');
            i += 2;
            continue;
          }
          i++;
          break;
        }
        sb.append(c);
        i++;
      }
      parts.add(sb.toString());
      i++; // dot
    }
    return parts.toArray(new String[0]);
  }

  // ---------------------------------------------------------------------------------------------
  // SQL over tables

  /** A session on the latest snapshot. */
  public LakeSession latest() {
    return at(latestSnapshot());
  }

  /** A session whose views show the lake at this snapshot id (time travel). */
  public LakeSession at(long snapshotId) {
    return at(snapshot(snapshotId));
  }

  /** A session whose views show the lake as of this time. */
  public LakeSession at(Instant time) {
    return at(snapshotAt(time));
  }

  /** A session whose views show the lake at this snapshot. */
  public LakeSession at(Snapshot snapshot) {
    return new LakeSession(this, snapshot);
  }

  /** Runs one query against the latest snapshot and returns all its rows. */
  public QueryResult sql(String sql) {
    try (LakeSession session = latest()) {
      return session.sql(sql);
    }
  }

  /**
   * The inlined rows of a table visible at a snapshot (those kept in the catalog's inlined-data
   * tables rather than in Parquet files), shaped as the table's columns at that snapshot plus a
   * trailing {@code rowid} column, ordered by row id.
   */
  public QueryResult inlinedRows(LakeTable table, long snapshotId) {
    try (Connection engine = LakeSession.openEngine();
        Statement st = engine.createStatement()) {
      st.execute("CREATE SCHEMA " + TableScan.INTERNAL_SCHEMA);
      String scan = TableScan.inlinedSql(this, engine, table, snapshotId, "inlined");
      StringBuilder columns = new StringBuilder();
      for (LakeColumn c : table.columns()) {
        columns.append(Sql.ident(c.name())).append(", ");
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT "
                  + columns
                  + TableScan.ROW_ID
                  + " AS rowid FROM ("
                  + scan
                  + ") ORDER BY rowid")) {
        return LakeSession.read(rs);
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot read the inlined rows of table "
              + table.qualifiedName()
              + " at snapshot "
              + snapshotId
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The rows inserted into and deleted from a table by the snapshots {@code fromSnapshot} through
   * {@code toSnapshot}, both included, computed snapshot by snapshot (like the extension's {@code
   * ducklake_table_changes}, whose start snapshot is also included): each row carries the snapshot
   * that made the change ({@code snapshot_id}), its row id ({@code rowid}), {@code change_type} and
   * the table's columns at {@code toSnapshot}. A range of one snapshot, {@code [s, s]}, gives
   * exactly the changes of {@code s}; a range equals the union of its single-snapshot ranges.
   *
   * <p>Unlike the extension, which reports a row id deleted and inserted by the same snapshot as
   * {@code update_preimage} and {@code update_postimage}, {@code change_type} here is only {@code
   * insert} or {@code delete}: an update appears as a {@code delete} of the old values and an
   * {@code insert} of the new ones with the same row id and snapshot.
   *
   * @param fromSnapshot inclusive lower bound: its own changes are part of the result
   * @param toSnapshot inclusive upper bound
   */
  public QueryResult tableChanges(
      String schemaName, String tableName, long fromSnapshot, long toSnapshot) {
    try (LakeSession session = at(snapshot(toSnapshot))) {
      return session.tableChanges(schemaName, tableName, fromSnapshot, toSnapshot);
    }
  }

  /** The physical schema of a Parquet file of the lake (cached: lake files are immutable). */
  public ParquetNode parquetSchema(String path) {
    return parquetSchema(engine(), path);
  }

  ParquetNode parquetSchema(Connection engine, String path) {
    return parquetSchemas.computeIfAbsent(path, p -> ParquetNode.read(engine, files.readable(p)));
  }

  /** A session's connection and the name of its private in-memory database. */
  record SessionEngine(Connection connection, String database) {}

  /**
   * A new connection to the reader's DuckDB whose default database is a fresh in-memory database of
   * its own, so sessions share one DuckDB instance but never each other's views.
   */
  SessionEngine openSessionEngine() throws SQLException {
    Connection root = engine();
    Connection c = root.unwrap(org.duckdb.DuckDBConnection.class).duplicate();
    String name = "lake_session_" + sessionCount.incrementAndGet();
    try (Statement st = c.createStatement()) {
      st.execute("ATTACH ':memory:' AS " + Sql.ident(name));
      st.execute("USE " + Sql.ident(name));
      st.execute("SET TimeZone = 'UTC'");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return new SessionEngine(c, name);
  }

  /** A lazily opened DuckDB used for Parquet metadata queries by verify and maintenance. */
  public synchronized Connection engine() {
    try {
      if (schemaEngine == null || schemaEngine.isClosed()) {
        schemaEngine = LakeSession.openEngine();
      }
      return schemaEngine;
    } catch (SQLException e) {
      throw new DuckliftException("Cannot open an in-process DuckDB: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    if (ownsCatalog) {
      try {
        catalog.close();
      } catch (SQLException e) {
        throw new DuckliftException("Cannot close the catalog connection: " + e.getMessage(), e);
      }
    }
    if (schemaEngine != null) {
      try {
        schemaEngine.close();
      } catch (SQLException e) {
        throw new DuckliftException("Cannot close the reader's DuckDB: " + e.getMessage(), e);
      }
      schemaEngine = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  /** {@code begin_snapshot <= ? AND (end_snapshot IS NULL OR ? < end_snapshot)}. */
  public static String visible(String alias) {
    String a = alias.isEmpty() ? "" : alias + ".";
    return "("
        + a
        + "begin_snapshot <= ? AND ("
        + a
        + "end_snapshot IS NULL OR ? < "
        + a
        + "end_snapshot))";
  }

  /** A row consumer that may throw SQLException. */
  @FunctionalInterface
  public interface RowConsumer {
    void accept(ResultSet rs) throws SQLException;
  }

  /** Runs a catalog query with positional parameters. */
  public void query(String sql, List<Object> params, RowConsumer consumer) {
    try (PreparedStatement ps = catalog.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          consumer.accept(rs);
        }
      }
    } catch (SQLException e) {
      throw new DuckliftException("Catalog query failed: " + e.getMessage() + " [" + sql + "]", e);
    }
  }

  private Map<String, String> globalMetadata() {
    Map<String, String> result = new HashMap<>();
    try {
      query(
          "SELECT key, value FROM " + catalogTable("ducklake_metadata") + " WHERE scope IS NULL",
          List.of(),
          rs -> result.put(rs.getString(1), rs.getString(2)));
    } catch (DuckliftException e) {
      throw new DuckliftException(
          "The catalog is not a DuckLake (cannot read ducklake_metadata): "
              + e.getCause().getMessage(),
          e.getCause());
    }
    return result;
  }

  static Object longOrNull(ResultSet rs, int index) throws SQLException {
    long v = rs.getLong(index);
    return rs.wasNull() ? null : v;
  }

  static Instant instant(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    if (value instanceof Timestamp ts) {
      return ts.toInstant();
    }
    if (value instanceof java.time.ZonedDateTime z) {
      return z.toInstant();
    }
    if (value instanceof java.time.LocalDateTime l) {
      return l.toInstant(java.time.ZoneOffset.UTC);
    }
    return OffsetDateTime.parse(value.toString()).toInstant();
  }

  private static Dialect detectDialect(Connection connection) {
    try {
      String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      if (product.contains("postgres")) {
        return Dialect.POSTGRES;
      }
      if (product.contains("duckdb")) {
        return Dialect.DUCKDB;
      }
      throw new DuckliftException("Unsupported catalog database: " + product);
    } catch (SQLException e) {
      throw new DuckliftException("Cannot inspect the catalog connection: " + e.getMessage(), e);
    }
  }

  /** An absolute directory with {@code /} separators and a trailing {@code /}. */
  static String normalizeDirectory(String path) {
    String p = path.replace('\\', '/');
    if (!p.contains("://")) {
      p = Path.of(p).toAbsolutePath().normalize().toString().replace('\\', '/');
    }
    return directory(p);
  }

  static String directory(String p) {
    return p.endsWith("/") ? p : p + "/";
  }

  static String resolve(String base, String path, boolean relative) {
    if (!relative) {
      return path.replace('\\', '/');
    }
    return directory(base) + path;
  }
}
