package dev.ducklift.ducklake.verify;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.ducklake.read.DataFile;
import dev.ducklift.ducklake.read.DeleteFile;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeTypes;
import dev.ducklift.ducklake.read.ParquetNode;
import dev.ducklift.ducklake.read.Snapshot;
import dev.ducklift.ducklake.read.SnapshotChange;
import dev.ducklift.ducklake.read.Sql;
import dev.ducklift.ducklake.storage.LakeStorage;
import dev.ducklift.ducklake.storage.StoredObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a lake against SPEC-NOTES §11: catalog layout, snapshots and ids, changes tokens, every
 * referenced file (existence, sizes, footer, row counts, field ids, statistics, delete positions)
 * and delete-file visibility. Read-only; problems are collected, not thrown.
 *
 * <p>Cost: one footer read and one scan of each data and delete file in the catalog.
 */
public final class LakeVerifier {
  private static final long MAX = Long.MAX_VALUE;

  static final Map<String, String> LAYOUT = new LinkedHashMap<>();

  static {
    LAYOUT.put("ducklake_metadata", "key,value,scope,scope_id");
    LAYOUT.put(
        "ducklake_snapshot",
        "snapshot_id,snapshot_time,schema_version,next_catalog_id,next_file_id");
    LAYOUT.put(
        "ducklake_snapshot_changes",
        "snapshot_id,changes_made,author,commit_message,commit_extra_info");
    LAYOUT.put(
        "ducklake_schema",
        "schema_id,schema_uuid,begin_snapshot,end_snapshot,schema_name,path,path_is_relative");
    LAYOUT.put(
        "ducklake_table",
        "table_id,table_uuid,begin_snapshot,end_snapshot,schema_id,table_name,path,"
            + "path_is_relative");
    LAYOUT.put(
        "ducklake_view",
        "view_id,view_uuid,begin_snapshot,end_snapshot,schema_id,view_name,dialect,sql,"
            + "column_aliases");
    LAYOUT.put("ducklake_tag", "object_id,begin_snapshot,end_snapshot,key,value");
    LAYOUT.put("ducklake_column_tag", "table_id,column_id,begin_snapshot,end_snapshot,key,value");
    LAYOUT.put(
        "ducklake_data_file",
        "data_file_id,table_id,begin_snapshot,end_snapshot,file_order,path,path_is_relative,"
            + "file_format,record_count,file_size_bytes,footer_size,row_id_start,partition_id,"
            + "encryption_key,mapping_id,partial_max");
    LAYOUT.put(
        "ducklake_file_column_stats",
        "data_file_id,table_id,column_id,column_size_bytes,value_count,null_count,min_value,"
            + "max_value,contains_nan,extra_stats");
    LAYOUT.put(
        "ducklake_file_variant_stats",
        "data_file_id,table_id,column_id,variant_path,shredded_type,column_size_bytes,"
            + "value_count,null_count,min_value,max_value,contains_nan,extra_stats");
    LAYOUT.put(
        "ducklake_delete_file",
        "delete_file_id,table_id,begin_snapshot,end_snapshot,data_file_id,path,"
            + "path_is_relative,format,delete_count,file_size_bytes,footer_size,encryption_key,"
            + "partial_max");
    LAYOUT.put(
        "ducklake_column",
        "column_id,begin_snapshot,end_snapshot,table_id,column_order,column_name,column_type,"
            + "initial_default,default_value,nulls_allowed,parent_column,default_value_type,"
            + "default_value_dialect");
    LAYOUT.put("ducklake_table_stats", "table_id,record_count,next_row_id,file_size_bytes");
    LAYOUT.put(
        "ducklake_table_column_stats",
        "table_id,column_id,contains_null,contains_nan,min_value,max_value,extra_stats");
    LAYOUT.put("ducklake_partition_info", "partition_id,table_id,begin_snapshot,end_snapshot");
    LAYOUT.put(
        "ducklake_partition_column",
        "partition_id,table_id,partition_key_index,column_id,transform");
    LAYOUT.put(
        "ducklake_file_partition_value",
        "data_file_id,table_id,partition_key_index,partition_value");
    LAYOUT.put(
        "ducklake_files_scheduled_for_deletion",
        "data_file_id,path,path_is_relative,schedule_start");
    LAYOUT.put("ducklake_inlined_data_tables", "table_id,table_name,schema_version");
    LAYOUT.put("ducklake_column_mapping", "mapping_id,table_id,type");
    LAYOUT.put(
        "ducklake_name_mapping",
        "mapping_id,column_id,source_name,target_field_id,parent_column,is_partition");
    LAYOUT.put("ducklake_schema_versions", "begin_snapshot,schema_version,table_id");
    LAYOUT.put("ducklake_macro", "schema_id,macro_id,macro_name,begin_snapshot,end_snapshot");
    LAYOUT.put("ducklake_macro_impl", "macro_id,impl_id,dialect,sql,type");
    LAYOUT.put(
        "ducklake_macro_parameters",
        "macro_id,impl_id,column_id,parameter_name,parameter_type,default_value,"
            + "default_value_type");
    LAYOUT.put("ducklake_sort_info", "sort_id,table_id,begin_snapshot,end_snapshot");
    LAYOUT.put(
        "ducklake_sort_expression",
        "sort_id,table_id,sort_key_index,expression,dialect,sort_direction,null_order");
  }

  static final Set<String> NAME_TOKENS =
      Set.of(
          "created_schema",
          "created_table",
          "created_view",
          "created_scalar_macro",
          "created_table_macro");
  static final Set<String> ID_TOKENS =
      Set.of(
          "dropped_schema",
          "dropped_table",
          "dropped_view",
          "dropped_scalar_macro",
          "dropped_table_macro",
          "inserted_into_table",
          "deleted_from_table",
          "altered_table",
          "altered_view",
          "inlined_insert",
          "inlined_delete",
          "inline_flush",
          "flushed_inlined",
          "merge_adjacent",
          "rewrite_delete",
          "compacted_table");
  private static final Set<String> CATALOG_TOKENS =
      Set.of(
          "created_schema",
          "created_table",
          "created_view",
          "created_scalar_macro",
          "created_table_macro",
          "dropped_schema",
          "dropped_table",
          "dropped_view",
          "dropped_scalar_macro",
          "dropped_table_macro",
          "altered_table",
          "altered_view");
  private static final Set<String> COMPACTION_TOKENS =
      Set.of("merge_adjacent", "rewrite_delete", "compacted_table");

  /** Types whose min/max statistics are compared against the data. */
  private static final Set<String> BOUNDED_TYPES =
      Set.of(
          "boolean",
          "int8",
          "int16",
          "int32",
          "int64",
          "uint8",
          "uint16",
          "uint32",
          "uint64",
          "float32",
          "float64",
          "date",
          "time",
          "time_ns",
          "timestamp",
          "timestamp_us",
          "timestamp_s",
          "timestamp_ms",
          "timestamp_ns",
          "timestamptz",
          "varchar",
          "uuid");

  /**
   * Types for which DuckDB's Parquet writer keeps no statistics, so the official writer records
   * zero counts and no bounds; nothing can be checked for them.
   */
  private static final Set<String> UNTRACKED_TYPES =
      Set.of("interval", "int128", "uint128", "timetz", "variant", "geometry");

  private final LakeReader reader;
  private final List<Problem> problems = new ArrayList<>();
  private Snapshot latest;
  private int filesChecked;

  private LakeVerifier(LakeReader reader) {
    this.reader = reader;
  }

  /**
   * Verifies a whole lake (all snapshots still in the catalog).
   *
   * @return the problems found; {@link VerifyReport#isClean()} for a sound lake
   * @throws DuckliftException only when the catalog itself cannot be read
   */
  public static VerifyReport verify(LakeReader reader) {
    LakeVerifier v = new LakeVerifier(reader);
    v.run();
    return new VerifyReport(v.latest == null ? -1 : v.latest.id(), v.filesChecked, v.problems);
  }

  private void problem(Check check, String subject, String message) {
    problems.add(new Problem(check, subject, message));
  }

  private void run() {
    checkLayout();
    if (!problems.isEmpty()) {
      return;
    }
    checkMetadata();
    List<Snapshot> snapshots = reader.snapshots();
    if (snapshots.isEmpty()) {
      problem(Check.SNAPSHOTS, "catalog", "No snapshot exists");
      return;
    }
    latest = snapshots.get(snapshots.size() - 1);
    checkSnapshots(snapshots);
    checkIds();
    checkOverlaps();
    checkSchemaVersions(snapshots);
    checkInlined();
    Map<Long, Map<Long, String>> columnTypes = columnTypes();
    Map<Long, Set<Long>> columnIds = new HashMap<>();
    for (Map.Entry<Long, Map<Long, String>> e : columnTypes.entrySet()) {
      columnIds.put(e.getKey(), e.getValue().keySet());
    }
    Map<Long, Map<Long, FileStats>> fileStats = fileStats();
    Map<Long, Map<Long, TableColumnStats>> tableStats = tableColumnStats();
    Map<Long, Long> nextRowIds = nextRowIds();
    Map<Long, Long> maxRowIds = new HashMap<>();
    Map<Long, DataFile> dataFilesById = new HashMap<>();
    for (DataFile f : reader.allDataFiles()) {
      dataFilesById.put(f.id(), f);
      filesChecked++;
      boolean live = f.endSnapshot() == null;
      checkDataFile(
          f,
          columnTypes.getOrDefault(f.tableId(), Map.of()),
          fileStats.getOrDefault(f.id(), Map.of()),
          live ? tableStats.getOrDefault(f.tableId(), Map.of()) : Map.of(),
          maxRowIds);
    }
    Map<Long, Long> liveRows = new HashMap<>();
    for (DataFile f : dataFilesById.values()) {
      if (f.endSnapshot() == null) {
        liveRows.merge(f.tableId(), f.recordCount(), Long::sum);
      }
    }
    inlinedRows(maxRowIds, liveRows);
    Map<Long, Long> recordCounts = new HashMap<>();
    reader.query(
        "SELECT table_id, record_count FROM "
            + reader.catalogTable("ducklake_table_stats")
            + " WHERE record_count IS NOT NULL",
        List.of(),
        rs -> recordCounts.put(rs.getLong(1), rs.getLong(2)));
    for (Map.Entry<Long, Long> e : liveRows.entrySet()) {
      Long recorded = recordCounts.get(e.getKey());
      // record_count counts every row ever inserted (never decreased by deletes), so it can
      // never be below the rows still stored in live files and live inlined rows.
      if (recorded != null && recorded < e.getValue()) {
        problem(
            Check.STATS,
            "table " + e.getKey(),
            "ducklake_table_stats.record_count "
                + recorded
                + " is below the "
                + e.getValue()
                + " rows held by its live files and inlined rows");
      }
    }
    for (Map.Entry<Long, Long> e : maxRowIds.entrySet()) {
      Long next = nextRowIds.get(e.getKey());
      if (next != null && next <= e.getValue()) {
        problem(
            Check.IDS,
            "table " + e.getKey(),
            "next_row_id " + next + " is not above the largest used row id " + e.getValue());
      }
    }
    Map<Long, Set<String>> inlinedDeletes = new HashMap<>();
    Map<String, String> owners = new HashMap<>();
    for (DataFile f : dataFilesById.values()) {
      claim(owners, f.path(), "data file " + f.id());
    }
    for (DeleteFile d : reader.allDeleteFiles()) {
      filesChecked++;
      claim(owners, d.path(), "delete file " + d.id());
      checkDeleteFile(d, dataFilesById.get(d.dataFileId()), inlinedDeletes);
    }
    checkScheduled(owners);
  }

  /** Records which catalog row uses a path; a second row using the same file is a defect. */
  private void claim(Map<String, String> owners, String path, String owner) {
    String previous = owners.putIfAbsent(Path.of(path).normalize().toString(), owner);
    if (previous != null) {
      problem(Check.PATHS, owner + " (" + path + ")", "Uses the same file as " + previous);
    }
  }

  private void checkScheduled(Map<String, String> owners) {
    reader.query(
        "SELECT data_file_id, path, path_is_relative FROM "
            + reader.catalogTable("ducklake_files_scheduled_for_deletion"),
        List.of(),
        rs -> {
          String path = rs.getString(2);
          boolean relative = rs.getObject(3) == null || rs.getBoolean(3);
          String absolute = relative ? reader.dataPath() + path : path;
          String owner =
              absolute.contains("://")
                  ? null
                  : owners.get(Path.of(absolute).normalize().toString());
          if (owner != null) {
            problem(
                Check.SCHEDULED_FILES,
                "scheduled file " + absolute,
                "Is scheduled for deletion but still used by " + owner);
          }
        });
  }

  // ---------------------------------------------------------------------------------------------
  // catalog

  private void checkLayout() {
    for (Map.Entry<String, String> e : LAYOUT.entrySet()) {
      String table = e.getKey();
      if (!reader.relationExists(table)) {
        problem(Check.CATALOG_LAYOUT, "catalog table " + table, "Missing");
        continue;
      }
      List<String> columns = columnNames(reader.catalogTable(table));
      List<String> expected = List.of(e.getValue().split(","));
      if (!columns.equals(expected)) {
        problem(
            Check.CATALOG_LAYOUT,
            "catalog table " + table,
            "Columns are " + columns + ", expected exactly " + expected);
      }
    }
  }

  private List<String> columnNames(String qualified) {
    List<String> names = new ArrayList<>();
    try (Statement st = reader.catalogConnection().createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM " + qualified + " WHERE 1 = 0")) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        names.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot read catalog table " + qualified + ": " + e.getMessage(), e);
    }
    return names;
  }

  private void checkMetadata() {
    Map<String, String> global = new HashMap<>();
    List<String> badScopes = new ArrayList<>();
    reader.query(
        "SELECT key, value, scope FROM " + reader.catalogTable("ducklake_metadata"),
        List.of(),
        rs -> {
          String scope = rs.getString(3);
          if (scope == null) {
            global.put(rs.getString(1), rs.getString(2));
          } else if (!scope.equals("schema") && !scope.equals("table")) {
            badScopes.add(rs.getString(1) + " (scope " + scope + ")");
          }
        });
    for (String bad : badScopes) {
      problem(Check.METADATA, "ducklake_metadata", "Unknown scope for key " + bad);
    }
    String encrypted = global.get("encrypted");
    if (!"true".equals(encrypted) && !"false".equals(encrypted)) {
      problem(Check.METADATA, "ducklake_metadata", "encrypted is '" + encrypted + "'");
    }
    String dataPath = global.get("data_path");
    if (dataPath == null || !dataPath.endsWith("/")) {
      problem(Check.METADATA, "ducklake_metadata", "data_path '" + dataPath + "' must end in /");
    }
  }

  private void checkSnapshots(List<Snapshot> snapshots) {
    Set<Long> withChanges = new HashSet<>();
    reader.query(
        "SELECT snapshot_id FROM " + reader.catalogTable("ducklake_snapshot_changes"),
        List.of(),
        rs -> withChanges.add(rs.getLong(1)));
    Snapshot previous = null;
    for (Snapshot s : snapshots) {
      String subject = "snapshot " + s.id();
      if (!withChanges.remove(s.id())) {
        problem(Check.SNAPSHOTS, subject, "Has no ducklake_snapshot_changes row");
      }
      if (s.time() == null) {
        problem(Check.SNAPSHOTS, subject, "snapshot_time is NULL");
      }
      List<SnapshotChange> changes = List.of();
      try {
        changes = s.changes();
      } catch (DuckliftException e) {
        problem(Check.CHANGES, subject, e.getMessage());
      }
      boolean compaction = false;
      boolean other = false;
      boolean catalogChange = false;
      boolean dataInsert = false;
      for (SnapshotChange c : changes) {
        if (NAME_TOKENS.contains(c.type())) {
          try {
            List<String> names = c.names();
            int wanted = c.type().equals("created_schema") ? 1 : 2;
            if (names.size() != wanted) {
              problem(Check.CHANGES, subject, "Change " + c + " needs " + wanted + " quoted names");
            }
          } catch (DuckliftException e) {
            problem(Check.CHANGES, subject, e.getMessage());
          }
        } else if (ID_TOKENS.contains(c.type())) {
          if (!c.hasId()) {
            problem(Check.CHANGES, subject, "Change " + c + " needs a numeric id");
          }
        } else {
          problem(Check.CHANGES, subject, "Unknown change token '" + c.type() + "'");
        }
        if (COMPACTION_TOKENS.contains(c.type())) {
          compaction = true;
        } else {
          other = true;
        }
        catalogChange |= CATALOG_TOKENS.contains(c.type());
        dataInsert |= c.type().equals("inserted_into_table") || c.type().equals("inlined_insert");
      }
      if (compaction && other) {
        problem(
            Check.CHANGES, subject, "Compaction changes must be the only changes of a snapshot");
      }
      if (previous != null) {
        if (s.time() != null && previous.time() != null && s.time().isBefore(previous.time())) {
          problem(
              Check.SNAPSHOTS,
              subject,
              "snapshot_time is before that of snapshot " + previous.id());
        }
        if (s.schemaVersion() < previous.schemaVersion()) {
          problem(Check.SCHEMA_VERSIONS, subject, "schema_version decreases");
        }
        if (s.nextCatalogId() < previous.nextCatalogId()
            || s.nextFileId() < previous.nextFileId()) {
          problem(Check.IDS, subject, "next_catalog_id or next_file_id decreases");
        }
        if (previous.id() == s.id() - 1) {
          if (catalogChange && s.schemaVersion() != previous.schemaVersion() + 1) {
            problem(
                Check.SCHEMA_VERSIONS,
                subject,
                "Catalog change without a schema_version bump ("
                    + previous.schemaVersion()
                    + " -> "
                    + s.schemaVersion()
                    + ")");
          }
          if (s.schemaVersion() > previous.schemaVersion() + 1) {
            problem(Check.SCHEMA_VERSIONS, subject, "schema_version jumps by more than 1");
          }
          if (dataInsert && s.nextFileId() == previous.nextFileId()) {
            problem(Check.IDS, subject, "Inserted rows without a next_file_id change");
          }
        }
      } else if (s.id() == 0 && s.schemaVersion() != 0) {
        problem(Check.SCHEMA_VERSIONS, subject, "Snapshot 0 must have schema_version 0");
      }
      previous = s;
    }
    for (Long orphan : withChanges) {
      problem(Check.SNAPSHOTS, "snapshot " + orphan, "Has changes but no ducklake_snapshot row");
    }
    long latestId = snapshots.get(snapshots.size() - 1).id();
    for (String table :
        List.of(
            "ducklake_schema",
            "ducklake_table",
            "ducklake_view",
            "ducklake_column",
            "ducklake_data_file",
            "ducklake_delete_file",
            "ducklake_partition_info",
            "ducklake_tag",
            "ducklake_column_tag")) {
      reader.query(
          "SELECT COUNT(*) FROM "
              + reader.catalogTable(table)
              + " WHERE begin_snapshot > ? OR end_snapshot > ? OR end_snapshot <= begin_snapshot",
          List.of(latestId, latestId),
          rs -> {
            if (rs.getLong(1) > 0) {
              problem(
                  Check.SNAPSHOTS,
                  "catalog table " + table,
                  rs.getLong(1)
                      + " row(s) reference a snapshot after the latest ("
                      + latestId
                      + ") or end before they begin");
            }
          });
    }
  }

  private void checkIds() {
    long nextFile = latest.nextFileId();
    long nextCatalog = latest.nextCatalogId();
    String[][] fileIds = {
      {"ducklake_data_file", "data_file_id"},
      {"ducklake_delete_file", "delete_file_id"},
      {"ducklake_column_mapping", "mapping_id"}
    };
    for (String[] t : fileIds) {
      maxAbove(t[0], t[1], nextFile, "next_file_id");
    }
    String[][] catalogIds = {
      {"ducklake_schema", "schema_id"},
      {"ducklake_table", "table_id"},
      {"ducklake_view", "view_id"},
      {"ducklake_partition_info", "partition_id"},
      {"ducklake_macro", "macro_id"},
      {"ducklake_sort_info", "sort_id"}
    };
    for (String[] t : catalogIds) {
      maxAbove(t[0], t[1], nextCatalog, "next_catalog_id");
    }
    // An object first appearing at snapshot S must have an id below S's next_catalog_id.
    for (String[] t :
        new String[][] {{"ducklake_table", "table_id"}, {"ducklake_schema", "schema_id"}}) {
      reader.query(
          "SELECT o."
              + t[1]
              + ", MIN(o.begin_snapshot), MIN(s.next_catalog_id) FROM "
              + reader.catalogTable(t[0])
              + " o JOIN "
              + reader.catalogTable("ducklake_snapshot")
              + " s ON s.snapshot_id = o.begin_snapshot GROUP BY o."
              + t[1]
              + " HAVING o."
              + t[1]
              + " >= MIN(s.next_catalog_id)",
          List.of(),
          rs ->
              problem(
                  Check.IDS,
                  t[1] + " " + rs.getLong(1),
                  "Not below next_catalog_id " + rs.getLong(3) + " of snapshot " + rs.getLong(2)));
    }
  }

  private void maxAbove(String table, String column, long next, String counter) {
    reader.query(
        "SELECT MAX(" + column + ") FROM " + reader.catalogTable(table),
        List.of(),
        rs -> {
          long max = rs.getLong(1);
          if (!rs.wasNull() && max >= next) {
            problem(
                Check.IDS,
                "catalog table " + table,
                "Largest "
                    + column
                    + " "
                    + max
                    + " is not below "
                    + counter
                    + " "
                    + next
                    + " of the latest snapshot");
          }
        });
  }

  private void checkOverlaps() {
    overlap(
        "ducklake_delete_file",
        "data_file_id",
        "delete_file_id",
        Check.DELETE_FILES,
        "data file %s has delete files %s and %s visible at the same snapshot");
    overlap(
        "ducklake_table",
        "table_id",
        "begin_snapshot",
        Check.IDS,
        "table id %s has two rows (begin %s and %s) visible at the same snapshot");
    overlapColumns();
  }

  private void overlap(String table, String key, String id, Check check, String format) {
    reader.query(
        "SELECT a."
            + key
            + ", a."
            + id
            + ", b."
            + id
            + " FROM "
            + reader.catalogTable(table)
            + " a JOIN "
            + reader.catalogTable(table)
            + " b ON a."
            + key
            + " = b."
            + key
            + " AND a."
            + id
            + " < b."
            + id
            + " WHERE a.begin_snapshot < COALESCE(b.end_snapshot, "
            + MAX
            + ")"
            + " AND b.begin_snapshot < COALESCE(a.end_snapshot, "
            + MAX
            + ")",
        List.of(),
        rs ->
            problem(
                check, table, String.format(format, rs.getLong(1), rs.getLong(2), rs.getLong(3))));
  }

  private void overlapColumns() {
    reader.query(
        "SELECT a.table_id, a.column_id, a.begin_snapshot, b.begin_snapshot FROM "
            + reader.catalogTable("ducklake_column")
            + " a JOIN "
            + reader.catalogTable("ducklake_column")
            + " b ON a.table_id = b.table_id AND a.column_id = b.column_id"
            + " AND a.begin_snapshot < b.begin_snapshot"
            + " WHERE b.begin_snapshot < COALESCE(a.end_snapshot, "
            + MAX
            + ")",
        List.of(),
        rs ->
            problem(
                Check.IDS,
                "table " + rs.getLong(1) + " column " + rs.getLong(2),
                "Versions beginning at " + rs.getLong(3) + " and " + rs.getLong(4) + " overlap"));
  }

  private void checkSchemaVersions(List<Snapshot> snapshots) {
    Set<String> rows = new HashSet<>();
    reader.query(
        "SELECT begin_snapshot, schema_version, table_id FROM "
            + reader.catalogTable("ducklake_schema_versions"),
        List.of(),
        rs -> rows.add(rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3)));
    for (Snapshot s : snapshots) {
      Set<Long> tables = new HashSet<>();
      for (SnapshotChange c : safeChanges(s)) {
        if (c.type().equals("created_table")) {
          reader.query(
              "SELECT table_id FROM "
                  + reader.catalogTable("ducklake_table")
                  + " WHERE begin_snapshot = ?",
              List.of(s.id()),
              rs -> tables.add(rs.getLong(1)));
        } else if (c.type().equals("altered_table") && c.hasId()) {
          long[] changed = {0};
          reader.query(
              "SELECT COUNT(*) FROM "
                  + reader.catalogTable("ducklake_column")
                  + " WHERE table_id = ? AND (begin_snapshot = ? OR end_snapshot = ?)",
              List.of(c.id(), s.id(), s.id()),
              rs -> changed[0] = rs.getLong(1));
          if (changed[0] > 0) {
            tables.add(c.id());
          }
        }
      }
      for (Long t : tables) {
        if (!rows.contains(s.id() + "/" + s.schemaVersion() + "/" + t)) {
          problem(
              Check.SCHEMA_VERSIONS,
              "snapshot " + s.id(),
              "No ducklake_schema_versions row ("
                  + s.id()
                  + ", "
                  + s.schemaVersion()
                  + ", "
                  + t
                  + ") for the created or altered table "
                  + t);
        }
      }
    }
  }

  private static List<SnapshotChange> safeChanges(Snapshot s) {
    try {
      return s.changes();
    } catch (DuckliftException e) {
      return List.of();
    }
  }

  private void checkInlined() {
    List<Object[]> registered = new ArrayList<>();
    reader.query(
        "SELECT i.table_id, i.table_name, i.schema_version, (SELECT COUNT(*) FROM "
            + reader.catalogTable("ducklake_schema_versions")
            + " v WHERE v.table_id = i.table_id AND v.schema_version = i.schema_version) FROM "
            + reader.catalogTable("ducklake_inlined_data_tables")
            + " i",
        List.of(),
        rs ->
            registered.add(
                new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)}));
    for (Object[] r : registered) {
      String subject = "inlined table " + r[1];
      if (!reader.relationExists((String) r[1])) {
        problem(Check.INLINED, subject, "Registered for table " + r[0] + " but missing");
      }
      if ((Long) r[3] == 0) {
        problem(
            Check.INLINED,
            subject,
            "No ducklake_schema_versions row for table " + r[0] + " schema version " + r[2]);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // files

  private record FileStats(Long valueCount, Long nullCount, String min, String max, Boolean nan) {}

  private record TableColumnStats(
      Boolean containsNull, Boolean containsNan, String min, String max) {}

  /** table id → column id → DuckLake type of the newest version of the column. */
  private Map<Long, Map<Long, String>> columnTypes() {
    Map<Long, Map<Long, String>> result = new HashMap<>();
    reader.query(
        "SELECT table_id, column_id, column_type, parent_column FROM "
            + reader.catalogTable("ducklake_column")
            + " ORDER BY begin_snapshot",
        List.of(),
        rs -> {
          String type = rs.getString(3);
          rs.getLong(4);
          // Nested children are tracked for field ids; only top-level primitives get bounds.
          String stored = rs.wasNull() ? type : "child:" + type;
          result.computeIfAbsent(rs.getLong(1), k -> new HashMap<>()).put(rs.getLong(2), stored);
        });
    return result;
  }

  private Map<Long, Map<Long, FileStats>> fileStats() {
    Map<Long, Map<Long, FileStats>> result = new HashMap<>();
    reader.query(
        "SELECT data_file_id, column_id, value_count, null_count, min_value, max_value,"
            + " contains_nan FROM "
            + reader.catalogTable("ducklake_file_column_stats"),
        List.of(),
        rs -> {
          Long valueCount = rs.getLong(3);
          if (rs.wasNull()) {
            valueCount = null;
          }
          Long nullCount = rs.getLong(4);
          if (rs.wasNull()) {
            nullCount = null;
          }
          Boolean nan = rs.getBoolean(7);
          if (rs.wasNull()) {
            nan = null;
          }
          result
              .computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
              .put(
                  rs.getLong(2),
                  new FileStats(valueCount, nullCount, rs.getString(5), rs.getString(6), nan));
        });
    return result;
  }

  private Map<Long, Map<Long, TableColumnStats>> tableColumnStats() {
    Map<Long, Map<Long, TableColumnStats>> result = new HashMap<>();
    reader.query(
        "SELECT table_id, column_id, contains_null, contains_nan, min_value, max_value FROM "
            + reader.catalogTable("ducklake_table_column_stats"),
        List.of(),
        rs -> {
          Boolean containsNull = rs.getBoolean(3);
          if (rs.wasNull()) {
            containsNull = null;
          }
          Boolean containsNan = rs.getBoolean(4);
          if (rs.wasNull()) {
            containsNan = null;
          }
          result
              .computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
              .put(
                  rs.getLong(2),
                  new TableColumnStats(
                      containsNull, containsNan, rs.getString(5), rs.getString(6)));
        });
    return result;
  }

  /** Adds live inlined rows to {@code liveRows} and their row ids to {@code maxRowIds}. */
  private void inlinedRows(Map<Long, Long> maxRowIds, Map<Long, Long> liveRows) {
    List<Object[]> registered = new ArrayList<>();
    reader.query(
        "SELECT table_id, table_name FROM " + reader.catalogTable("ducklake_inlined_data_tables"),
        List.of(),
        rs -> registered.add(new Object[] {rs.getLong(1), rs.getString(2)}));
    for (Object[] r : registered) {
      long tableId = (Long) r[0];
      String name = (String) r[1];
      if (!reader.relationExists(name)) {
        continue; // reported by checkInlined
      }
      reader.query(
          "SELECT COUNT(*) FILTER (WHERE end_snapshot IS NULL), MAX(row_id) FROM "
              + reader.catalogTable(name),
          List.of(),
          rs -> {
            liveRows.merge(tableId, rs.getLong(1), Long::sum);
            long max = rs.getLong(2);
            if (!rs.wasNull()) {
              maxRowIds.merge(tableId, max, Math::max);
            }
          });
    }
  }

  private Map<Long, Long> nextRowIds() {
    Map<Long, Long> result = new HashMap<>();
    reader.query(
        "SELECT table_id, next_row_id FROM "
            + reader.catalogTable("ducklake_table_stats")
            + " WHERE next_row_id IS NOT NULL",
        List.of(),
        rs -> result.put(rs.getLong(1), rs.getLong(2)));
    return result;
  }

  private void checkDataFile(
      DataFile f,
      Map<Long, String> types,
      Map<Long, FileStats> stats,
      Map<Long, TableColumnStats> tableStats,
      Map<Long, Long> maxRowIds) {
    String subject = "data file " + f.id() + " (" + f.path() + ") of table " + f.tableId();
    if (!checkPhysical(subject, f.path(), f.fileSizeBytes(), f.footerSize())) {
      return;
    }
    ParquetNode schema;
    try {
      schema = reader.parquetSchema(f.path());
    } catch (DuckliftException e) {
      problem(Check.MISSING_FILE, subject, "Unreadable Parquet: " + e.getMessage());
      return;
    }
    if (f.mappingId() == null) {
      checkFieldIds(subject, schema, types.keySet());
    }
    if (f.rowIdStart() != null) {
      maxRowIds.merge(f.tableId(), f.rowIdStart() + f.recordCount() - 1, Math::max);
    } else if (schema.childByFieldId(ParquetNode.ROW_ID_FIELD) == null) {
      problem(Check.IDS, subject, "row_id_start is NULL and the file embeds no row ids");
    }
    // One scan: count, and per bounded top-level column non-null count, null count and bounds.
    List<String> selects = new ArrayList<>();
    selects.add("COUNT(*)");
    List<Long> checked = new ArrayList<>();
    Map<Long, String> leaves = new HashMap<>();
    collectLeaves(schema, null, leaves);
    for (Map.Entry<Long, String> e : types.entrySet()) {
      long columnId = e.getKey();
      String type = e.getValue().startsWith("child:") ? e.getValue().substring(6) : e.getValue();
      if (LakeTypes.isNested(type) || UNTRACKED_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
        continue;
      }
      String leaf = leaves.get(columnId);
      if (leaf == null) {
        continue;
      }
      FileStats fs = stats.get(columnId);
      TableColumnStats ts = tableStats.get(columnId);
      if (fs == null && ts == null) {
        continue;
      }
      checked.add(columnId);
      String lower = type.toLowerCase(Locale.ROOT);
      boolean bounded = BOUNDED_TYPES.contains(lower) || lower.startsWith("decimal");
      boolean floating = lower.equals("float32") || lower.equals("float64");
      String duck = LakeTypes.duckdbPrimitive(type);
      String x = "CAST(" + leaf + " AS " + duck + ")";
      String filter = floating ? " FILTER (WHERE NOT isnan(" + x + "))" : "";
      selects.add("COUNT(" + x + ")");
      selects.add("COUNT(*) - COUNT(" + x + ")");
      selects.add(floating ? "COUNT(*) FILTER (WHERE isnan(" + x + "))" : "0");
      selects.add(
          boundCheck(bounded, fs == null ? null : fs.min(), "MIN(" + x + ")" + filter, duck, ">="));
      selects.add(
          boundCheck(bounded, fs == null ? null : fs.max(), "MAX(" + x + ")" + filter, duck, "<="));
      selects.add(
          boundCheck(bounded, ts == null ? null : ts.min(), "MIN(" + x + ")" + filter, duck, ">="));
      selects.add(
          boundCheck(bounded, ts == null ? null : ts.max(), "MAX(" + x + ")" + filter, duck, "<="));
    }
    String sql =
        "SELECT "
            + String.join(", ", selects)
            + " FROM read_parquet("
            + Sql.literal(reader.readable(f.path()))
            + ", hive_partitioning = false)";
    Connection engine = reader.engine();
    try (Statement st = engine.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      long count = rs.getLong(1);
      if (count != f.recordCount()) {
        problem(
            Check.ROW_COUNT,
            subject,
            "record_count " + f.recordCount() + " but the file has " + count + " rows");
      }
      int i = 2;
      for (Long columnId : checked) {
        String col = subject + " column " + columnId;
        long nonNull = rs.getLong(i++);
        long nulls = rs.getLong(i++);
        long nans = rs.getLong(i++);
        String fileMin = rs.getString(i++);
        String fileMax = rs.getString(i++);
        String tableMin = rs.getString(i++);
        String tableMax = rs.getString(i++);
        FileStats fs = stats.get(columnId);
        TableColumnStats ts = tableStats.get(columnId);
        if (fs != null) {
          if (fs.nullCount() != null && fs.nullCount() != nulls) {
            problem(Check.STATS, col, "null_count " + fs.nullCount() + " but " + nulls + " NULLs");
          }
          if (fs.valueCount() != null && fs.valueCount() != nonNull) {
            problem(
                Check.STATS,
                col,
                "value_count " + fs.valueCount() + " but " + nonNull + " non-NULL values");
          }
          if (Boolean.FALSE.equals(fs.nan()) && nans > 0) {
            problem(Check.STATS, col, "contains_nan is false but the file has NaN");
          }
          reportBound(col, "file min_value", fs.min(), fileMin);
          reportBound(col, "file max_value", fs.max(), fileMax);
        }
        if (ts != null) {
          if (Boolean.FALSE.equals(ts.containsNull()) && nulls > 0) {
            problem(Check.STATS, col, "Table contains_null is false but this live file has NULLs");
          }
          if (Boolean.FALSE.equals(ts.containsNan()) && nans > 0) {
            problem(Check.STATS, col, "Table contains_nan is false but this live file has NaN");
          }
          reportBound(col, "table min_value", ts.min(), tableMin);
          reportBound(col, "table max_value", ts.max(), tableMax);
        }
      }
    } catch (SQLException e) {
      problem(Check.MISSING_FILE, subject, "Cannot scan: " + e.getMessage());
    }
  }

  /**
   * The SQL expression of every primitive column reachable from the top level through structs only,
   * by field id. (Leaves under lists and maps count repeated values and definition levels in their
   * statistics, which a row-level expression cannot reproduce.)
   */
  private static void collectLeaves(ParquetNode node, String ref, Map<Long, String> leaves) {
    for (ParquetNode child : node.children()) {
      String expression =
          ref == null
              ? Sql.ident(child.name())
              : "struct_extract(" + ref + ", " + Sql.literal(child.name()) + ")";
      if (child.kind() == ParquetNode.Kind.PRIMITIVE && child.fieldId() != null) {
        leaves.put(child.fieldId().longValue(), expression);
      } else if (child.kind() == ParquetNode.Kind.STRUCT) {
        collectLeaves(child, expression, leaves);
      }
    }
  }

  /** SQL yielding 'ok', 'bad' (bound violated) or 'uncastable' for one bound. */
  private static String boundCheck(
      boolean bounded, String bound, String actual, String duckType, String op) {
    if (!bounded || bound == null) {
      return "'ok'";
    }
    String typed = "TRY_CAST(" + Sql.literal(bound) + " AS " + duckType + ")";
    return "CASE WHEN "
        + typed
        + " IS NULL THEN 'uncastable' WHEN "
        + actual
        + " IS NULL OR "
        + actual
        + " "
        + op
        + " "
        + typed
        + " THEN 'ok' ELSE 'bad:' || CAST("
        + actual
        + " AS VARCHAR) END";
  }

  private void reportBound(String subject, String what, String recorded, String outcome) {
    if (outcome == null || outcome.equals("ok")) {
      return;
    }
    if (outcome.equals("uncastable")) {
      problem(Check.STATS, subject, what + " '" + recorded + "' cannot be cast to the column type");
    } else {
      problem(
          Check.STATS,
          subject,
          what
              + " '"
              + recorded
              + "' does not bound the data (actual "
              + outcome.substring(4)
              + ")");
    }
  }

  private void checkFieldIds(String subject, ParquetNode schema, Set<Long> columnIds) {
    if (!schema.hasFieldIds()) {
      problem(Check.FIELD_IDS, subject, "The file has no Parquet field ids");
      return;
    }
    List<String> bad = new ArrayList<>();
    collectBadIds(schema, columnIds, bad, true);
    if (!bad.isEmpty()) {
      problem(Check.FIELD_IDS, subject, "Field ids that are no column id of the table: " + bad);
    }
  }

  private void collectBadIds(ParquetNode node, Set<Long> ids, List<String> bad, boolean root) {
    for (ParquetNode child : node.children()) {
      Integer id = child.fieldId();
      boolean internal =
          root
              && (child.name().equals("_ducklake_internal_row_id")
                  || child.name().equals("_ducklake_internal_snapshot_id"));
      if (id == null && !internal) {
        bad.add(child.name() + "=<none>");
      } else if (id != null
          && !ids.contains(id.longValue())
          && id != ParquetNode.ROW_ID_FIELD
          && id != ParquetNode.SNAPSHOT_ID_FIELD) {
        bad.add(child.name() + "=" + id);
      }
      collectBadIds(child, ids, bad, false);
    }
  }

  /**
   * Existence, path containment, size and footer; false when the file cannot be checked further.
   */
  private boolean checkPhysical(String subject, String path, long size, Long footer) {
    if (!path.contains("://")) {
      Path normalized = Path.of(path).toAbsolutePath().normalize();
      Path root = Path.of(reader.dataPath()).toAbsolutePath().normalize();
      if (!normalized.startsWith(root)) {
        problem(Check.PATHS, subject, "Resolves outside the data path " + reader.dataPath());
      }
    } else if (!path.startsWith(reader.dataPath())) {
      problem(Check.PATHS, subject, "Resolves outside the data path " + reader.dataPath());
    }
    LakeStorage storage = reader.files().storage();
    try {
      StoredObject object = storage.stat(path);
      if (object == null) {
        problem(Check.MISSING_FILE, subject, "The file does not exist");
        return false;
      }
      long actual = object.size();
      if (actual != size) {
        problem(
            Check.FILE_SIZE,
            subject,
            "file_size_bytes " + size + " but the file has " + actual + " bytes");
      }
      if (footer != null && footer != 0) {
        long actualFooter = footerSize(storage.read(path, Math.max(0, actual - 8), 8), actual);
        if (actualFooter != footer) {
          problem(
              Check.FILE_SIZE,
              subject,
              "footer_size " + footer + " but the file's footer is " + actualFooter);
        }
      }
    } catch (IOException | RuntimeException e) {
      problem(Check.MISSING_FILE, subject, "Cannot read: " + e.getMessage());
      return false;
    }
    return true;
  }

  /** The footer length from the last 8 bytes of a Parquet file of {@code length} bytes. */
  static long footerSize(byte[] tail, long length) throws IOException {
    if (length < 12 || tail.length != 8) {
      throw new IOException("Too short for Parquet");
    }
    if (tail[4] != 'P' || tail[5] != 'A' || tail[6] != 'R' || tail[7] != '1') {
      throw new IOException("No PAR1 magic at the end");
    }
    return (tail[0] & 0xFFL)
        | (tail[1] & 0xFFL) << 8
        | (tail[2] & 0xFFL) << 16
        | (tail[3] & 0xFFL) << 24;
  }

  static long footerSize(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      if (length < 12) {
        throw new IOException("Too short for Parquet");
      }
      byte[] tail = new byte[8];
      raf.seek(length - 8);
      raf.readFully(tail);
      if (tail[4] != 'P' || tail[5] != 'A' || tail[6] != 'R' || tail[7] != '1') {
        throw new IOException("No PAR1 magic at the end");
      }
      return (tail[0] & 0xFFL)
          | (tail[1] & 0xFFL) << 8
          | (tail[2] & 0xFFL) << 16
          | (tail[3] & 0xFFL) << 24;
    }
  }

  private void checkDeleteFile(DeleteFile d, DataFile data, Map<Long, Set<String>> inlinedCache) {
    String subject = "delete file " + d.id() + " (" + d.path() + ") of data file " + d.dataFileId();
    if (data == null) {
      problem(Check.DELETE_FILES, subject, "Its data file is not in the catalog");
    }
    if (!"parquet".equalsIgnoreCase(d.format())) {
      problem(Check.DELETE_FILES, subject, "Format '" + d.format() + "' cannot be checked");
      return;
    }
    if (!checkPhysical(subject, d.path(), d.fileSizeBytes(), d.footerSize())) {
      return;
    }
    Connection engine = reader.engine();
    String file = Sql.literal(reader.readable(d.path()));
    try (Statement st = engine.createStatement()) {
      List<String> types = new ArrayList<>();
      List<String> names = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "DESCRIBE SELECT * FROM read_parquet(" + file + ", hive_partitioning = false)")) {
        while (rs.next()) {
          names.add(rs.getString(1));
          types.add(rs.getString(2));
        }
      }
      boolean tagged = names.size() == 3 && names.get(2).equals("_ducklake_internal_snapshot_id");
      boolean shapeOk =
          (names.size() == 2 || tagged)
              && types.get(0).equals("VARCHAR")
              && types.get(1).equals("BIGINT")
              && (!tagged || types.get(2).equals("BIGINT"));
      if (!shapeOk) {
        problem(
            Check.DELETE_POSITIONS,
            subject,
            "Columns " + names + " " + types + ", expected (VARCHAR, BIGINT[, BIGINT])");
        return;
      }
      String pos = Sql.ident(names.get(1));
      if (tagged) {
        checkSnapshotTags(st, subject, file, d, data);
      }
      long recordCount = data == null ? Long.MAX_VALUE : data.recordCount();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT COUNT(*), COUNT(*) FILTER (WHERE p IS NULL), COUNT(*) FILTER (WHERE p <= prev),"
                  + " COUNT(*) FILTER (WHERE p < 0 OR p >= "
                  + recordCount
                  + ")"
                  + " FROM (SELECT "
                  + pos
                  + " AS p, lag("
                  + pos
                  + ") OVER (ORDER BY file_row_number) AS prev"
                  + " FROM read_parquet("
                  + file
                  + ", file_row_number = true, hive_partitioning = false))")) {
        rs.next();
        if (rs.getLong(1) != d.deleteCount()) {
          problem(
              Check.ROW_COUNT,
              subject,
              "delete_count "
                  + d.deleteCount()
                  + " but the file lists "
                  + rs.getLong(1)
                  + " positions");
        }
        if (rs.getLong(2) > 0) {
          problem(Check.DELETE_POSITIONS, subject, rs.getLong(2) + " NULL positions");
        }
        if (rs.getLong(3) > 0) {
          problem(Check.DELETE_POSITIONS, subject, "Positions are not strictly increasing");
        }
        if (rs.getLong(4) > 0) {
          problem(
              Check.DELETE_POSITIONS,
              subject,
              rs.getLong(4) + " positions outside [0, record_count)");
        }
      }
      Set<String> inlined =
          inlinedCache.computeIfAbsent(
              d.tableId(),
              t -> {
                Set<String> keys = new HashSet<>();
                for (var del : reader.inlinedDeletes(t, Long.MAX_VALUE)) {
                  keys.add(key(del.dataFileId(), del.position()));
                }
                return keys;
              });
      if (!inlined.isEmpty()) {
        try (ResultSet rs =
            st.executeQuery(
                "SELECT " + pos + " FROM read_parquet(" + file + ", hive_partitioning = false)")) {
          while (rs.next()) {
            if (inlined.contains(key(d.dataFileId(), rs.getLong(1)))) {
              problem(
                  Check.DELETE_POSITIONS,
                  subject,
                  "Position "
                      + rs.getLong(1)
                      + " is also in ducklake_inlined_delete_"
                      + d.tableId());
            }
          }
        }
      }
    } catch (SQLException e) {
      problem(Check.MISSING_FILE, subject, "Cannot scan: " + e.getMessage());
    }
  }

  /**
   * A delete file whose positions carry the snapshot that deleted them spans, in the catalog, from
   * its earliest tag ({@code begin_snapshot}) to its latest ({@code partial_max}); readers at a
   * snapshot skip later tags, so a tag outside that span, or before the data file existed, hides or
   * shows rows at the wrong snapshots.
   */
  private void checkSnapshotTags(
      Statement st, String subject, String file, DeleteFile d, DataFile data) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT min(_ducklake_internal_snapshot_id), max(_ducklake_internal_snapshot_id),"
                + " count(*) FILTER (WHERE _ducklake_internal_snapshot_id IS NULL) FROM"
                + " read_parquet("
                + file
                + ", hive_partitioning = false)")) {
      rs.next();
      long min = rs.getLong(1);
      boolean empty = rs.wasNull();
      long max = rs.getLong(2);
      if (rs.getLong(3) > 0) {
        problem(Check.DELETE_POSITIONS, subject, rs.getLong(3) + " positions without a snapshot");
      }
      if (empty) {
        return;
      }
      if (min != d.beginSnapshot()) {
        problem(
            Check.DELETE_FILES,
            subject,
            "begin_snapshot "
                + d.beginSnapshot()
                + " but its earliest position is tagged with snapshot "
                + min);
      }
      if (d.partialMax() == null ? min != max : d.partialMax() != max) {
        problem(
            Check.DELETE_FILES,
            subject,
            "partial_max "
                + d.partialMax()
                + " but its latest position is tagged with snapshot "
                + max);
      }
      if (data != null && min < data.beginSnapshot()) {
        problem(
            Check.DELETE_FILES,
            subject,
            "A position is tagged with snapshot "
                + min
                + ", before its data file was added at snapshot "
                + data.beginSnapshot());
      }
    }
  }

  private static String key(long fileId, long position) {
    return fileId + ":" + position;
  }
}
