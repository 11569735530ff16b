package dev.ducklift.ducklake.maintenance;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.ducklake.read.DataFile;
import dev.ducklift.ducklake.read.InlinedDataTable;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeTable;
import dev.ducklift.ducklake.read.ParquetNode;
import dev.ducklift.ducklake.read.Snapshot;
import dev.ducklift.ducklake.read.SnapshotChange;
import dev.ducklift.ducklake.read.Sql;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance operations on a lake, with the catalog effects of the official extension (SPEC-NOTES
 * §8). Each operation runs in one catalog transaction on the reader's catalog connection (which
 * must be writable); readers at any snapshot that remains see the same rows before and after.
 *
 * <p>Not thread-safe (it uses the reader's connection). Concurrent writers in other processes are
 * safe: the merge commit inserts its snapshot row first and retries on a lost race; expiry and
 * cleanup create no snapshot.
 */
public final class LakeMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(LakeMaintenance.class);
  private static final int MAX_ATTEMPTS = 10;

  private final LakeReader reader;

  public LakeMaintenance(LakeReader reader) {
    this.reader = reader;
  }

  // ---------------------------------------------------------------------------------------------
  // Expire

  /** Expires every snapshot older than {@code time} except the latest. */
  public ExpireResult expireOlderThan(Instant time, boolean dryRun) {
    List<Long> ids = new ArrayList<>();
    List<Snapshot> all = reader.snapshots();
    for (Snapshot s : all.subList(0, Math.max(0, all.size() - 1))) {
      if (s.time().isBefore(time)) {
        ids.add(s.id());
      }
    }
    return expireSnapshots(ids, dryRun);
  }

  /** Expires every snapshot except the {@code keep} most recent ones ({@code keep >= 1}). */
  public ExpireResult expireKeepingLast(int keep, boolean dryRun) {
    if (keep < 1) {
      throw new IllegalArgumentException("At least the latest snapshot must be kept, got " + keep);
    }
    List<Snapshot> all = reader.snapshots();
    List<Long> ids = new ArrayList<>();
    for (Snapshot s : all.subList(0, Math.max(0, all.size() - keep))) {
      ids.add(s.id());
    }
    return expireSnapshots(ids, dryRun);
  }

  /**
   * Expires the given snapshots: removes their snapshot and changes rows, then removes catalog rows
   * no remaining snapshot can see (ended files, delete files, table/schema/view versions, dropped
   * tables with everything that belongs to them, ended inlined rows) and schedules the files for
   * deletion. Creates no snapshot. Column versions of live tables are kept (they name the columns
   * of older inlined-data tables).
   *
   * @throws DuckliftException when the latest snapshot is among {@code ids}
   */
  public ExpireResult expireSnapshots(Collection<Long> ids, boolean dryRun) {
    Snapshot latest = reader.latestSnapshot();
    if (ids.contains(latest.id())) {
      throw new DuckliftException("Cannot expire snapshot " + latest.id() + ": it is the latest");
    }
    Set<Long> existing = new HashSet<>();
    for (Snapshot s : reader.snapshots()) {
      existing.add(s.id());
    }
    List<Long> expired = new ArrayList<>(new TreeSet<>(ids));
    expired.retainAll(existing);
    if (expired.isEmpty()) {
      return new ExpireResult(List.of(), List.of(), List.of(), dryRun);
    }
    TreeSet<Long> remaining = new TreeSet<>(existing);
    remaining.removeAll(expired);
    Connection c = reader.catalogConnection();
    return inTransaction(
        c,
        !dryRun,
        () -> {
          List<String> scheduled = new ArrayList<>();
          String idList = list(expired);
          update(c, "DELETE FROM " + t("ducklake_snapshot") + " WHERE snapshot_id IN " + idList);
          update(
              c,
              "DELETE FROM " + t("ducklake_snapshot_changes") + " WHERE snapshot_id IN " + idList);

          // Data files and delete files nobody can see any more.
          Set<Long> goneDataFiles = new LinkedHashSet<>();
          for (DataFile f : reader.allDataFiles()) {
            if (!visibleSomewhere(remaining, f.beginSnapshot(), f.endSnapshot())) {
              goneDataFiles.add(f.id());
              schedule(c, f.id(), f.path(), scheduled);
            }
          }
          for (var d : reader.allDeleteFiles()) {
            if (goneDataFiles.contains(d.dataFileId())
                || !visibleSomewhere(remaining, d.beginSnapshot(), d.endSnapshot())) {
              schedule(c, d.id(), d.path(), scheduled);
              update(
                  c,
                  "DELETE FROM " + t("ducklake_delete_file") + " WHERE delete_file_id = " + d.id());
            }
          }
          if (!goneDataFiles.isEmpty()) {
            String files = list(goneDataFiles);
            for (String table :
                List.of(
                    "ducklake_file_column_stats",
                    "ducklake_file_variant_stats",
                    "ducklake_file_partition_value",
                    "ducklake_data_file")) {
              update(c, "DELETE FROM " + t(table) + " WHERE data_file_id IN " + files);
            }
          }

          // Tables none of whose versions is visible any more: remove them entirely.
          Map<Long, Boolean> tableVisible = new LinkedHashMap<>();
          reader.query(
              "SELECT table_id, begin_snapshot, end_snapshot FROM " + t("ducklake_table"),
              List.of(),
              rs -> {
                long end = rs.getLong(3);
                Long endOrNull = rs.wasNull() ? null : end;
                tableVisible.merge(
                    rs.getLong(1),
                    visibleSomewhere(remaining, rs.getLong(2), endOrNull),
                    Boolean::logicalOr);
              });
          List<Long> removedTables = new ArrayList<>();
          for (Map.Entry<Long, Boolean> e : tableVisible.entrySet()) {
            if (!e.getValue()) {
              removedTables.add(e.getKey());
              removeTable(c, e.getKey());
            }
          }

          // Invisible versions of versioned catalog rows.
          removeInvisibleVersions(c, remaining, "ducklake_table", List.of("table_id"));
          removeInvisibleVersions(c, remaining, "ducklake_schema", List.of("schema_id"));
          removeInvisibleVersions(c, remaining, "ducklake_view", List.of("view_id"));
          removeInvisibleVersions(c, remaining, "ducklake_tag", List.of("object_id", "key"));
          removeInvisibleVersions(
              c, remaining, "ducklake_column_tag", List.of("table_id", "column_id", "key"));
          removeInvisibleVersions(c, remaining, "ducklake_macro", List.of("macro_id"));
          for (long partition :
              removeInvisibleVersions(
                  c, remaining, "ducklake_partition_info", List.of("partition_id"))) {
            update(
                c,
                "DELETE FROM "
                    + t("ducklake_partition_column")
                    + " WHERE partition_id = "
                    + partition);
          }
          for (long sort :
              removeInvisibleVersions(c, remaining, "ducklake_sort_info", List.of("sort_id"))) {
            update(c, "DELETE FROM " + t("ducklake_sort_expression") + " WHERE sort_id = " + sort);
          }

          // Inlined rows ended before every remaining snapshot.
          List<String> inlinedTables = new ArrayList<>();
          reader.query(
              "SELECT table_name FROM " + t("ducklake_inlined_data_tables"),
              List.of(),
              rs -> inlinedTables.add(rs.getString(1)));
          for (String inlined : inlinedTables) {
            update(
                c,
                "DELETE FROM "
                    + t(inlined)
                    + " WHERE end_snapshot IS NOT NULL AND NOT EXISTS"
                    + " (SELECT 1 FROM "
                    + t("ducklake_snapshot")
                    + " s WHERE s.snapshot_id >= "
                    + t(inlined)
                    + ".begin_snapshot AND s.snapshot_id < "
                    + t(inlined)
                    + ".end_snapshot)");
          }
          return new ExpireResult(expired, scheduled, removedTables, dryRun);
        });
  }

  private void removeTable(Connection c, long tableId) throws SQLException {
    List<InlinedDataTable> inlined = reader.inlinedDataTables(tableId);
    for (InlinedDataTable i : inlined) {
      update(c, "DROP TABLE IF EXISTS " + t(i.name()));
    }
    if (reader.relationExists("ducklake_inlined_delete_" + tableId)) {
      update(c, "DROP TABLE IF EXISTS " + t("ducklake_inlined_delete_" + tableId));
    }
    update(
        c,
        "DELETE FROM "
            + t("ducklake_name_mapping")
            + " WHERE mapping_id IN (SELECT mapping_id FROM "
            + t("ducklake_column_mapping")
            + " WHERE table_id = "
            + tableId
            + ")");
    update(c, "DELETE FROM " + t("ducklake_sort_expression") + " WHERE table_id = " + tableId);
    for (String table :
        List.of(
            "ducklake_column_mapping",
            "ducklake_inlined_data_tables",
            "ducklake_schema_versions",
            "ducklake_sort_info",
            "ducklake_column_tag",
            "ducklake_column",
            "ducklake_partition_column",
            "ducklake_partition_info",
            "ducklake_table_column_stats",
            "ducklake_table_stats",
            "ducklake_table")) {
      update(c, "DELETE FROM " + t(table) + " WHERE table_id = " + tableId);
    }
    update(c, "DELETE FROM " + t("ducklake_tag") + " WHERE object_id = " + tableId);
  }

  /** Deletes ended rows visible at no remaining snapshot; returns the first key of each. */
  private List<Long> removeInvisibleVersions(
      Connection c, TreeSet<Long> remaining, String table, List<String> keys) throws SQLException {
    List<Object[]> doomed = new ArrayList<>();
    String keyList = String.join(", ", keys);
    reader.query(
        "SELECT "
            + keyList
            + ", begin_snapshot, end_snapshot FROM "
            + t(table)
            + " WHERE end_snapshot IS NOT NULL",
        List.of(),
        rs -> {
          long begin = rs.getLong(keys.size() + 1);
          long end = rs.getLong(keys.size() + 2);
          if (!visibleSomewhere(remaining, begin, end)) {
            Object[] row = new Object[keys.size() + 2];
            for (int i = 0; i < keys.size(); i++) {
              row[i] = rs.getObject(i + 1);
            }
            row[keys.size()] = begin;
            row[keys.size() + 1] = end;
            doomed.add(row);
          }
        });
    StringBuilder where = new StringBuilder();
    for (String k : keys) {
      where.append(k).append(" = ? AND ");
    }
    where.append("begin_snapshot = ? AND end_snapshot = ?");
    List<Long> firstKeys = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t(table) + " WHERE " + where)) {
      for (Object[] row : doomed) {
        for (int i = 0; i < row.length; i++) {
          ps.setObject(i + 1, row[i]);
        }
        ps.executeUpdate();
        firstKeys.add(((Number) row[0]).longValue());
      }
    }
    return firstKeys;
  }

  private static boolean visibleSomewhere(TreeSet<Long> snapshots, long begin, Long end) {
    Long first = snapshots.ceiling(begin);
    return first != null && (end == null || first < end);
  }

  private void schedule(Connection c, long fileId, String absolutePath, List<String> scheduled)
      throws SQLException {
    String dataPath = reader.dataPath();
    boolean relative = absolutePath.startsWith(dataPath);
    String stored = relative ? absolutePath.substring(dataPath.length()) : absolutePath;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + t("ducklake_files_scheduled_for_deletion")
                + " VALUES (?, ?, ?, NOW())")) {
      ps.setLong(1, fileId);
      ps.setString(2, stored);
      ps.setBoolean(3, relative);
      ps.executeUpdate();
    }
    scheduled.add(absolutePath);
  }

  // ---------------------------------------------------------------------------------------------
  // Cleanup

  /**
   * Deletes the files scheduled for deletion before {@code olderThan} (all of them when null) from
   * disk, then their schedule rows. A scheduled path that a data or delete file still references is
   * kept (and reported), never deleted.
   */
  public CleanupResult cleanupOldFiles(Instant olderThan, boolean dryRun) {
    record Scheduled(long id, String stored, String absolute) {}
    List<Scheduled> due = new ArrayList<>();
    reader.query(
        "SELECT data_file_id, path, path_is_relative, schedule_start FROM "
            + t("ducklake_files_scheduled_for_deletion"),
        List.of(),
        rs -> {
          Object start = rs.getObject(4);
          Instant at = start == null ? Instant.EPOCH : instant(start);
          if (olderThan == null || at.isBefore(olderThan)) {
            String path = rs.getString(2);
            boolean relative = rs.getObject(3) == null || rs.getBoolean(3);
            due.add(new Scheduled(rs.getLong(1), path, relative ? reader.dataPath() + path : path));
          }
        });
    Set<String> referenced = new HashSet<>();
    for (DataFile f : reader.allDataFiles()) {
      referenced.add(f.path());
    }
    for (var d : reader.allDeleteFiles()) {
      referenced.add(d.path());
    }
    List<String> deleted = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    Connection c = reader.catalogConnection();
    for (Scheduled s : due) {
      if (referenced.contains(s.absolute())) {
        kept.add(s.absolute());
        continue;
      }
      deleted.add(s.absolute());
      if (dryRun) {
        continue;
      }
      try {
        // The file goes first: a crash between the two steps leaves a schedule row for an absent
        // file, which the next cleanup simply clears.
        reader.files().storage().delete(s.absolute());
      } catch (RuntimeException e) {
        throw new DuckliftException(
            "Cannot delete scheduled file " + s.absolute() + ": " + e.getMessage(), e);
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM "
                  + t("ducklake_files_scheduled_for_deletion")
                  + " WHERE data_file_id = ? AND path = ?")) {
        ps.setLong(1, s.id());
        ps.setString(2, s.stored());
        ps.executeUpdate();
      } catch (SQLException e) {
        throw new DuckliftException(
            "Cannot remove the schedule row of " + s.absolute() + ": " + e.getMessage(), e);
      }
    }
    return new CleanupResult(deleted, kept, dryRun);
  }

  // ---------------------------------------------------------------------------------------------
  // Merge

  /**
   * Merges runs of small live data files of a table into files of up to {@code targetFileSizeBytes}
   * (source sizes summed), in one new snapshot whose only change is {@code merge_adjacent:<table>}.
   * Only files without delete files or inlined deletes, of the same partition and the same physical
   * schema, are merged. Merged files carry {@code _ducklake_internal_snapshot_id} when the sources
   * span several snapshots, and {@code _ducklake_internal_row_id} when their row ids are not
   * contiguous; the sources leave the catalog and are scheduled for deletion.
   *
   * @return the new snapshot and merges; no snapshot when nothing qualified
   * @throws DuckliftException when a concurrent commit deleted from, merged or dropped the table
   */
  public MergeResult mergeAdjacentFiles(
      String schemaName, String tableName, long targetFileSizeBytes) {
    Snapshot base = reader.latestSnapshot();
    LakeTable table = reader.requireTable(base.id(), schemaName, tableName);
    List<List<DataFile>> groups = plan(table, base.id(), targetFileSizeBytes);
    if (groups.isEmpty()) {
      return new MergeResult(null, List.of());
    }
    List<Written> written = new ArrayList<>();
    try {
      for (List<DataFile> group : groups) {
        written.add(write(table, group));
      }
      return commitMerge(table, base, written);
    } catch (RuntimeException e) {
      for (Written w : written) {
        reader.files().deleteQuietly(w.path());
      }
      throw e;
    }
  }

  private List<List<DataFile>> plan(LakeTable table, long snapshot, long target) {
    Set<Long> withInlinedDeletes = new HashSet<>();
    for (var d : reader.inlinedDeletes(table.id(), Long.MAX_VALUE)) {
      withInlinedDeletes.add(d.dataFileId());
    }
    Map<Long, String> partitionValues = new HashMap<>();
    reader.query(
        "SELECT data_file_id, partition_key_index, partition_value FROM "
            + t("ducklake_file_partition_value")
            + " WHERE table_id = ?"
            + " ORDER BY data_file_id, partition_key_index",
        List.of(table.id()),
        rs ->
            partitionValues.merge(
                rs.getLong(1), rs.getLong(2) + "=" + rs.getString(3), (a, b) -> a + "/" + b));
    List<List<DataFile>> groups = new ArrayList<>();
    List<DataFile> current = new ArrayList<>();
    String currentKey = null;
    long currentSize = 0;
    for (DataFile f : reader.dataFiles(table, snapshot)) {
      boolean eligible =
          f.deleteFile() == null
              && f.mappingId() == null
              && !withInlinedDeletes.contains(f.id())
              && f.fileSizeBytes() < target
              && !f.path().contains("://");
      String key =
          eligible
              ? f.partitionId()
                  + "|"
                  + partitionValues.get(f.id())
                  + "|"
                  + userSignature(reader.parquetSchema(f.path()))
                  + "|"
                  + parent(f.path())
              : null;
      if (!eligible || !key.equals(currentKey) || currentSize + f.fileSizeBytes() > target) {
        if (current.size() > 1) {
          groups.add(current);
        }
        current = new ArrayList<>();
        currentSize = 0;
        currentKey = key;
      }
      if (eligible) {
        current.add(f);
        currentSize += f.fileSizeBytes();
      }
    }
    if (current.size() > 1) {
      groups.add(current);
    }
    return groups;
  }

  private static String parent(String path) {
    return path.substring(0, path.lastIndexOf('/') + 1);
  }

  private static boolean isInternal(ParquetNode n) {
    return n.name().equals("_ducklake_internal_row_id")
        || n.name().equals("_ducklake_internal_snapshot_id");
  }

  private static String userSignature(ParquetNode schema) {
    StringBuilder sb = new StringBuilder();
    for (ParquetNode child : schema.children()) {
      if (!isInternal(child)) {
        sb.append(child.signature());
      }
    }
    return sb.toString();
  }

  private record Written(
      List<DataFile> sources,
      String path,
      long rowCount,
      long size,
      long footer,
      long beginSnapshot,
      Long partialMax,
      long rowIdStart,
      Map<String, Map<String, String>> stats,
      ParquetNode schema) {}

  private Written write(LakeTable table, List<DataFile> sources) {
    ParquetNode schema = reader.parquetSchema(sources.get(0).path());
    long begin = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    boolean embeddedRowIds = false;
    boolean embeddedSnapshots = false;
    boolean contiguous = true;
    Long nextRowId = null;
    for (DataFile f : sources) {
      begin = Math.min(begin, f.beginSnapshot());
      max = Math.max(max, f.partialMax() != null ? f.partialMax() : f.beginSnapshot());
      ParquetNode s = reader.parquetSchema(f.path());
      embeddedRowIds |= s.childByName("_ducklake_internal_row_id") != null;
      embeddedSnapshots |= s.childByName("_ducklake_internal_snapshot_id") != null;
      if (f.rowIdStart() == null || (nextRowId != null && !nextRowId.equals(f.rowIdStart()))) {
        contiguous = false;
      }
      nextRowId = f.rowIdStart() == null ? null : f.rowIdStart() + f.recordCount();
    }
    boolean withSnapshots = embeddedSnapshots || begin != max;
    boolean withRowIds = embeddedRowIds || !contiguous;
    StringBuilder columns = new StringBuilder();
    StringBuilder fieldIds = new StringBuilder();
    for (ParquetNode child : schema.children()) {
      if (isInternal(child)) {
        continue;
      }
      if (columns.length() > 0) {
        columns.append(", ");
        fieldIds.append(", ");
      }
      columns.append(Sql.ident(child.name()));
      fieldIds.append(fieldIdSpec(child));
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      DataFile f = sources.get(i);
      ParquetNode s = reader.parquetSchema(f.path());
      String snapshotExpr =
          s.childByName("_ducklake_internal_snapshot_id") != null
              ? "_ducklake_internal_snapshot_id"
              : "CAST(" + f.beginSnapshot() + " AS BIGINT)";
      String rowIdExpr =
          s.childByName("_ducklake_internal_row_id") != null
              ? "_ducklake_internal_row_id"
              : "CAST(" + f.rowIdStart() + " + file_row_number AS BIGINT)";
      parts.add(
          "SELECT "
              + columns
              + ", "
              + snapshotExpr
              + " AS __dl_snapshot, "
              + rowIdExpr
              + " AS __dl_row_id, "
              + i
              + " AS __dl_source, file_row_number AS __dl_position"
              + " FROM read_parquet("
              + Sql.literal(reader.readable(f.path()))
              + ", file_row_number = true, hive_partitioning = false)");
    }
    StringBuilder select = new StringBuilder("SELECT ").append(columns);
    if (withSnapshots) {
      select.append(", __dl_snapshot AS _ducklake_internal_snapshot_id");
      fieldIds.append(", _ducklake_internal_snapshot_id: ").append(ParquetNode.SNAPSHOT_ID_FIELD);
    }
    if (withRowIds) {
      select.append(", __dl_row_id AS _ducklake_internal_row_id");
      fieldIds.append(", _ducklake_internal_row_id: ").append(ParquetNode.ROW_ID_FIELD);
    }
    select
        .append(" FROM (")
        .append(String.join(" UNION ALL ", parts))
        .append(") ORDER BY __dl_source, __dl_position");
    String directory = parent(sources.get(0).path());
    String name = "ducklake-" + UUID.randomUUID() + ".parquet";
    String path = directory + name;
    String spool = reader.files().spool(directory);
    try {
      return write(table, sources, select, fieldIds, spool + name, path, begin, max);
    } finally {
      reader.files().discardSpool(spool);
    }
  }

  /** Writes the merged file into the spool as {@code local} and publishes it at {@code path}. */
  private Written write(
      LakeTable table,
      List<DataFile> sources,
      StringBuilder select,
      StringBuilder fieldIds,
      String local,
      String path,
      long begin,
      long max) {
    Connection engine = reader.engine();
    Map<String, Map<String, String>> stats = new HashMap<>();
    long count;
    try (Statement st = engine.createStatement();
        ResultSet rs =
            st.executeQuery(
                "COPY ("
                    + select
                    + ") TO "
                    + Sql.literal(local)
                    + " (FORMAT parquet, COMPRESSION snappy, FIELD_IDS {"
                    + fieldIds
                    + "}, RETURN_STATS true)")) {
      rs.next();
      count = rs.getLong("count");
      Object map = rs.getObject("column_statistics");
      if (map instanceof Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          Map<String, String> values = new HashMap<>();
          if (e.getValue() instanceof Map<?, ?> inner) {
            for (Map.Entry<?, ?> v : inner.entrySet()) {
              values.put(
                  String.valueOf(v.getKey()),
                  v.getValue() == null ? null : String.valueOf(v.getValue()));
            }
          }
          stats.put(String.valueOf(e.getKey()), values);
        }
      }
    } catch (SQLException e) {
      throw new DuckliftException(
          "Cannot write the merged file for table " + table.qualifiedName() + ": " + e.getMessage(),
          e);
    }
    long expected = sources.stream().mapToLong(DataFile::recordCount).sum();
    if (count != expected) {
      throw new DuckliftException(
          "Merged file for table "
              + table.qualifiedName()
              + " has "
              + count
              + " rows, expected "
              + expected);
    }
    long size;
    long footer;
    try {
      size = Files.size(Path.of(local));
      footer = footerSize(Path.of(local));
    } catch (IOException e) {
      throw new DuckliftException(
          "Cannot read back merged file " + local + ": " + e.getMessage(), e);
    }
    ParquetNode written = ParquetNode.read(engine, local);
    reader.files().publish(local, path);
    return new Written(
        sources,
        path,
        count,
        size,
        footer,
        begin,
        begin != max ? max : null,
        sources.get(0).rowIdStart() == null ? 0 : sources.get(0).rowIdStart(),
        stats,
        written);
  }

  private static String fieldIdSpec(ParquetNode node) {
    String key = Sql.literal(node.name());
    if (node.kind() == ParquetNode.Kind.PRIMITIVE) {
      return key + ": " + node.fieldId();
    }
    StringBuilder sb =
        new StringBuilder(key).append(": {__duckdb_field_id: ").append(node.fieldId());
    List<ParquetNode> children = node.children();
    for (int i = 0; i < children.size(); i++) {
      ParquetNode child = children.get(i);
      ParquetNode named =
          switch (node.kind()) {
            case LIST ->
                new ParquetNode("element", child.fieldId(), child.kind(), child.children());
            case MAP ->
                new ParquetNode(
                    i == 0 ? "key" : "value", child.fieldId(), child.kind(), child.children());
            default -> child;
          };
      sb.append(", ").append(fieldIdSpec(named));
    }
    return sb.append('}').toString();
  }

  private MergeResult commitMerge(LakeTable table, Snapshot base, List<Written> written) {
    Connection c = reader.catalogConnection();
    for (int attempt = 0; ; attempt++) {
      Snapshot latest = reader.latestSnapshot();
      checkMergeConflicts(table, base, latest, written);
      long snapshot = latest.id() + 1;
      long nextFile = latest.nextFileId();
      try {
        MergeResult result =
            inTransaction(
                c,
                true,
                () -> {
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          "INSERT INTO "
                              + t("ducklake_snapshot")
                              + " VALUES (?, NOW(), ?, ?, ?)")) {
                    ps.setLong(1, snapshot);
                    ps.setLong(2, latest.schemaVersion());
                    ps.setLong(3, latest.nextCatalogId());
                    ps.setLong(4, nextFile + written.size());
                    ps.executeUpdate();
                  }
                  List<MergeResult.Merge> merges = new ArrayList<>();
                  long id = nextFile;
                  for (Written w : written) {
                    insertMergedFile(c, table, w, id);
                    List<Long> sourceIds = new ArrayList<>();
                    List<String> ignored = new ArrayList<>();
                    for (DataFile f : w.sources()) {
                      sourceIds.add(f.id());
                      for (String tableName :
                          List.of(
                              "ducklake_file_column_stats",
                              "ducklake_file_variant_stats",
                              "ducklake_file_partition_value",
                              "ducklake_delete_file",
                              "ducklake_data_file")) {
                        update(
                            c, "DELETE FROM " + t(tableName) + " WHERE data_file_id = " + f.id());
                      }
                      schedule(c, f.id(), f.path(), ignored);
                    }
                    merges.add(new MergeResult.Merge(id, w.path(), sourceIds, w.rowCount()));
                    id++;
                  }
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          "INSERT INTO "
                              + t("ducklake_snapshot_changes")
                              + " VALUES (?, ?, NULL, NULL, NULL)")) {
                    ps.setLong(1, snapshot);
                    ps.setString(2, "merge_adjacent:" + table.id());
                    ps.executeUpdate();
                  }
                  return new MergeResult(snapshot, merges);
                });
        return result;
      } catch (DuckliftException e) {
        if (!(e.getCause() instanceof SQLException sql)
            || !retryable(sql)
            || attempt + 1 >= MAX_ATTEMPTS) {
          throw e;
        }
        sleep(attempt);
      }
    }
  }

  private void checkMergeConflicts(
      LakeTable table, Snapshot base, Snapshot latest, List<Written> written) {
    if (latest.id() == base.id()) {
      return;
    }
    for (Snapshot s : reader.snapshots()) {
      if (s.id() <= base.id()) {
        continue;
      }
      for (SnapshotChange change : s.changes()) {
        boolean conflicting =
            switch (change.type()) {
              case "dropped_table",
                      "deleted_from_table",
                      "merge_adjacent",
                      "rewrite_delete",
                      "inlined_delete",
                      "altered_table" ->
                  change.hasId() && change.id() == table.id();
              default -> false;
            };
        if (conflicting) {
          throw new DuckliftException(
              "Merge of table "
                  + table.qualifiedName()
                  + " conflicts with snapshot "
                  + s.id()
                  + " ("
                  + change
                  + ") committed concurrently");
        }
      }
    }
  }

  private void insertMergedFile(Connection c, LakeTable table, Written w, long id)
      throws SQLException {
    String relative = w.path().substring(table.directory().length());
    boolean isRelative = w.path().startsWith(table.directory());
    DataFile first = w.sources().get(0);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + t("ducklake_data_file")
                + " VALUES (?, ?, ?, NULL, NULL, ?, ?, 'parquet', ?, ?, ?, ?, ?, NULL, NULL, ?)")) {
      ps.setLong(1, id);
      ps.setLong(2, table.id());
      ps.setLong(3, w.beginSnapshot());
      ps.setString(4, isRelative ? relative : w.path());
      ps.setBoolean(5, isRelative);
      ps.setLong(6, w.rowCount());
      ps.setLong(7, w.size());
      ps.setLong(8, w.footer());
      ps.setLong(9, w.rowIdStart());
      if (first.partitionId() == null) {
        ps.setNull(10, java.sql.Types.BIGINT);
      } else {
        ps.setLong(10, first.partitionId());
      }
      if (w.partialMax() == null) {
        ps.setNull(11, java.sql.Types.BIGINT);
      } else {
        ps.setLong(11, w.partialMax());
      }
      ps.executeUpdate();
    }
    update(
        c,
        "INSERT INTO "
            + t("ducklake_file_partition_value")
            + " SELECT "
            + id
            + ", table_id, partition_key_index, partition_value FROM "
            + t("ducklake_file_partition_value")
            + " WHERE data_file_id = "
            + first.id());
    Map<String, Long> ids = new HashMap<>();
    Map<Long, String> types = new HashMap<>();
    collectPaths(w.schema(), "", ids);
    reader.query(
        "SELECT column_id, column_type FROM "
            + t("ducklake_column")
            + " WHERE table_id = ?"
            + " ORDER BY begin_snapshot",
        List.of(table.id()),
        rs -> types.put(rs.getLong(1), rs.getString(2).toLowerCase(Locale.ROOT)));
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + t("ducklake_file_column_stats")
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)")) {
      for (Map.Entry<String, Map<String, String>> e : w.stats().entrySet()) {
        Long columnId = ids.get(e.getKey());
        if (columnId == null || !types.containsKey(columnId)) {
          continue; // internal columns carry no catalog statistics
        }
        Map<String, String> s = e.getValue();
        long nulls = parseLong(s.get("null_count"), 0);
        long values = parseLong(s.get("num_values"), 0);
        String type = types.get(columnId);
        boolean floating = type.equals("float32") || type.equals("float64");
        ps.setLong(1, id);
        ps.setLong(2, table.id());
        ps.setLong(3, columnId);
        setNullableLong(ps, 4, s.get("column_size_bytes"));
        ps.setLong(5, values - nulls);
        ps.setLong(6, nulls);
        ps.setString(7, s.get("min"));
        ps.setString(8, s.get("max"));
        if (floating) {
          ps.setBoolean(9, "true".equals(s.get("has_nan")));
        } else {
          ps.setNull(9, java.sql.Types.BOOLEAN);
        }
        ps.executeUpdate();
      }
    }
  }

  private static void collectPaths(ParquetNode node, String prefix, Map<String, Long> ids) {
    for (int i = 0; i < node.children().size(); i++) {
      ParquetNode child = node.children().get(i);
      String name =
          switch (node.kind()) {
            case LIST -> "element";
            case MAP -> i == 0 ? "key" : "value";
            default -> child.name();
          };
      String path = (prefix.isEmpty() ? "" : prefix + ".") + Sql.ident(name);
      if (child.fieldId() != null) {
        ids.put(path, child.fieldId().longValue());
      }
      collectPaths(child, path, ids);
    }
  }

  private static void setNullableLong(PreparedStatement ps, int index, String value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, java.sql.Types.BIGINT);
    } else {
      ps.setLong(index, Long.parseLong(value));
    }
  }

  private static long parseLong(String value, long otherwise) {
    return value == null ? otherwise : Long.parseLong(value);
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  /** Runs work in one catalog transaction; commits when {@code commit}, else rolls back. */
  private static <T> T inTransaction(Connection c, boolean commit, Work<T> work) {
    boolean autoCommit;
    try {
      autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
    } catch (SQLException e) {
      throw new DuckliftException("Cannot begin a catalog transaction: " + e.getMessage(), e);
    }
    try {
      T result = work.run();
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      if (e instanceof DuckliftException d) {
        throw d;
      }
      throw new DuckliftException("Catalog maintenance failed: " + e.getMessage(), e);
    } finally {
      try {
        c.setAutoCommit(autoCommit);
      } catch (SQLException e) {
        LOG.warn("Cannot restore auto-commit on the catalog connection", e);
      }
    }
  }

  private static boolean retryable(SQLException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("primary key")
        || m.contains("unique")
        || m.contains("conflict")
        || m.contains("concurrent")
        || "23505".equals(e.getSQLState())
        || "40001".equals(e.getSQLState());
  }

  private static void sleep(int attempt) {
    long millis =
        (long) (100 * ThreadLocalRandom.current().nextDouble(0.5, 1.0) * Math.pow(1.5, attempt));
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DuckliftException("Interrupted while retrying a merge commit", e);
    }
  }

  private static void update(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }

  private String t(String name) {
    return reader.catalogTable(name);
  }

  private static String list(Collection<Long> ids) {
    StringBuilder sb = new StringBuilder("(");
    for (Long id : ids) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(id);
    }
    return sb.append(')').toString();
  }

  private static Instant instant(Object value) {
    if (value instanceof java.time.OffsetDateTime odt) {
      return odt.toInstant();
    }
    if (value instanceof java.sql.Timestamp ts) {
      return ts.toInstant();
    }
    return java.time.OffsetDateTime.parse(value.toString()).toInstant();
  }

  static long footerSize(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      byte[] tail = new byte[8];
      raf.seek(raf.length() - 8);
      raf.readFully(tail);
      return (tail[0] & 0xFFL)
          | (tail[1] & 0xFFL) << 8
          | (tail[2] & 0xFFL) << 16
          | (tail[3] & 0xFFL) << 24;
    }
  }
}
