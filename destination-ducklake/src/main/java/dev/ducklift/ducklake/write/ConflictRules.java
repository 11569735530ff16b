package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.LogicalConflictException;
import dev.ducklift.ducklake.SnapshotInfo;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The conflict rules of the optimistic commit: what a transaction's changes record in {@code
 * changes_made}, and whether the changes committed by others since its base snapshot conflict with
 * them (the official extension's rules: a change to a table conflicts with a drop or alter of it,
 * an append with a concurrent delete, a delete with a concurrent insert, rewrite or delete of the
 * same data file).
 */
final class ConflictRules {
  private final CatalogDatabase db;
  private final CatalogReads.SnapshotRow base;
  private final List<TableModel> tables;
  private final List<SchemaModel> newSchemas;

  ConflictRules(ChangeModel model) {
    this.db = model.db;
    this.base = model.base;
    this.tables = model.tables;
    this.newSchemas = model.newSchemas;
  }

  String changesMade() {
    List<String> parts = new ArrayList<>();
    Set<Long> dropped = new TreeSet<>();
    Set<Long> inserted = new TreeSet<>();
    Set<Long> deleted = new TreeSet<>();
    Set<Long> altered = new TreeSet<>();
    Set<String> createdSchemas = new TreeSet<>();
    Set<String> createdTables = new TreeSet<>();
    for (SchemaModel s : newSchemas) {
      createdSchemas.add(TableModel.quoteChange(s.name));
    }
    for (TableModel t : tables) {
      if (t.dropped) {
        dropped.add(t.id());
        continue;
      }
      if (t.created || t.renamed) {
        createdTables.add(t.quotedLabel());
      }
      if (t.altered) {
        altered.add(t.id());
      }
      if (!t.files.isEmpty()) {
        inserted.add(t.id());
      }
      if (!t.deletes.isEmpty()) {
        deleted.add(t.id());
      }
    }
    dropped.forEach(id -> parts.add("dropped_table:" + id));
    createdSchemas.forEach(n -> parts.add("created_schema:" + n));
    createdTables.forEach(n -> parts.add("created_table:" + n));
    inserted.forEach(id -> parts.add("inserted_into_table:" + id));
    deleted.forEach(id -> parts.add("deleted_from_table:" + id));
    altered.forEach(id -> parts.add("altered_table:" + id));
    return String.join(",", parts);
  }

  void checkConflicts(Connection c, List<SnapshotInfo> since) throws SQLException {
    List<ChangeEntry> others = new ArrayList<>();
    for (SnapshotInfo s : since) {
      others.addAll(ChangeEntry.parse(s.changesMade()));
    }
    for (SchemaModel s : newSchemas) {
      for (ChangeEntry e : others) {
        if (e.type().equals("created_schema") && e.value().equals(TableModel.quoteChange(s.name))) {
          throw new LogicalConflictException(
              "Schema " + s.name + " was created by a concurrent commit");
        }
      }
    }
    for (TableModel t : tables) {
      if (t.created || t.renamed) {
        for (ChangeEntry e : others) {
          if ((e.type().equals("created_table") || e.type().equals("created_view"))
              && e.value().equals(t.quotedLabel())) {
            throw new LogicalConflictException(
                "Table " + t.label() + " was created by a concurrent commit");
          }
          if (e.type().equals("dropped_schema")
              && t.schema.existingId != null
              && e.id() == t.schema.existingId) {
            throw new LogicalConflictException(
                "Schema " + t.schema.name + " was dropped by a concurrent commit");
          }
        }
      }
      if (t.existingId == null) {
        continue;
      }
      long id = t.existingId;
      Set<String> conflicting = new java.util.HashSet<>();
      conflicting.add("dropped_table");
      if (!t.dropped) {
        conflicting.add("altered_table");
      }
      if (!t.files.isEmpty()) {
        conflicting.addAll(List.of("deleted_from_table", "inlined_delete"));
      }
      if (!t.deletes.isEmpty()) {
        conflicting.addAll(
            List.of(
                "merge_adjacent",
                "rewrite_delete",
                "inserted_into_table",
                "inlined_insert",
                "inline_flush",
                "flushed_inlined",
                "inlined_delete"));
      }
      boolean otherDeleted = false;
      for (ChangeEntry e : others) {
        if (e.id() != id) {
          continue;
        }
        if (conflicting.contains(e.type())) {
          throw new LogicalConflictException(
              "Cannot commit changes to table "
                  + t.label()
                  + " based on snapshot "
                  + base.id()
                  + ": a concurrent commit did "
                  + e.type()
                  + " on it ("
                  + describe(t)
                  + " conflicts with that)");
        }
        otherDeleted |= e.type().equals("deleted_from_table");
      }
      if (otherDeleted && !t.deletes.isEmpty()) {
        checkDeleteOverlap(c, t);
      }
    }
  }

  private static String describe(TableModel t) {
    List<String> what = new ArrayList<>();
    if (!t.files.isEmpty()) {
      what.add("an append");
    }
    if (!t.deletes.isEmpty()) {
      what.add("a delete");
    }
    if (t.altered || t.renamed) {
      what.add("an alter");
    }
    if (t.dropped) {
      what.add("a drop");
    }
    return String.join(" and ", what);
  }

  private void checkDeleteOverlap(Connection c, TableModel t) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT data_file_id FROM "
                + db.table("ducklake_delete_file")
                + " WHERE table_id = ? AND (begin_snapshot > ? OR partial_max > ?) UNION ALL SELECT"
                + " data_file_id FROM "
                + db.table("ducklake_data_file")
                + " WHERE table_id = ? AND end_snapshot > ?")) {
      ps.setLong(1, t.existingId);
      ps.setLong(2, base.id());
      ps.setLong(3, base.id());
      ps.setLong(4, t.existingId);
      ps.setLong(5, base.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (t.deletes.containsKey(rs.getLong(1))) {
            throw new LogicalConflictException(
                "Cannot delete from table "
                    + t.label()
                    + ": a concurrent commit deleted from the same data file "
                    + rs.getLong(1));
          }
        }
      }
    }
  }
}
