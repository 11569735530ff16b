package dev.ducklift.ducklake.write;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The top-level columns of tables, shared by the transactions of one lake, so that a transaction on
 * an unchanged schema does not read them from the catalog again.
 *
 * <p>An entry is valid for one schema version of the catalog: every catalog change, by any writer
 * (the official extension too), bumps {@code ducklake_snapshot.schema_version}, and a table's
 * columns at a snapshot depend only on the catalog changes up to it. A transaction looks columns up
 * under its base snapshot's schema version, so a change committed by another writer is seen by
 * every transaction that starts after it. The table's UUID is part of the key as well, so that a
 * catalog replaced under the same location (ids and versions counting from 0 again) is never
 * answered from entries of the old one.
 *
 * <p>Thread-safe. One entry per table (the newest schema version seen), at most {@link #MAX_TABLES}
 * tables.
 */
public final class ColumnCache {
  static final int MAX_TABLES = 4096;

  private record Entry(String tableUuid, long schemaVersion, List<ColumnNode> columns) {}

  private final ConcurrentHashMap<Long, Entry> byTable = new ConcurrentHashMap<>();

  int size() {
    return byTable.size();
  }

  /** The columns of a table at a schema version, or null if not cached. */
  List<ColumnNode> get(long tableId, String tableUuid, long schemaVersion) {
    Entry e = byTable.get(tableId);
    if (e == null || e.schemaVersion != schemaVersion || !e.tableUuid.equals(tableUuid)) {
      return null;
    }
    return e.columns;
  }

  /**
   * Remembers the columns of a table read at a snapshot of the given schema version. An entry of a
   * newer version of the same table is kept (transactions that start later need that one).
   */
  void put(long tableId, String tableUuid, long schemaVersion, List<ColumnNode> columns) {
    if (tableUuid == null) {
      return;
    }
    Entry fresh = new Entry(tableUuid, schemaVersion, List.copyOf(columns));
    if (byTable.size() >= MAX_TABLES && !byTable.containsKey(tableId)) {
      byTable.clear();
    }
    byTable.merge(
        tableId,
        fresh,
        (old, now) ->
            old.tableUuid.equals(now.tableUuid) && old.schemaVersion > now.schemaVersion
                ? old
                : now);
  }
}
