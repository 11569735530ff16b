package dev.ducklift.ducklake.promote;

import static dev.ducklift.ducklake.promote.Sql.quote;

import dev.ducklift.core.spi.StagedTable;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeTable;
import dev.ducklift.ducklake.read.QueryResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The primary keys of the rows another writer (the official extension) inlined into the catalog,
 * copied into the staging connection so that the insert-new key check sees them beside the keys in
 * Parquet files. Inlined rows are few by design (each insert of at most the inlining limit, until a
 * flush writes them out), so they are read whole.
 */
final class InlinedKeys {
  private InlinedKeys() {}

  /**
   * Creates temporary table {@code relation} on {@code work} holding the key columns of the rows of
   * {@code table} inlined in the catalog and visible at {@code snapshot}.
   *
   * @return whether the table has such rows (no temporary table otherwise)
   */
  static boolean load(
      DuckLake lake,
      TableName name,
      long snapshot,
      Connection work,
      StagedTable t,
      String relation) {
    if (!LakeCatalog.holdsInlinedRows(lake, name)) {
      return false;
    }
    try (LakeReader reader = LakeReader.open(lake)) {
      Optional<LakeTable> table = reader.table(snapshot, name.schema(), name.name());
      if (table.isEmpty() || reader.inlinedDataTables(table.get().id()).isEmpty()) {
        return false;
      }
      QueryResult rows = reader.inlinedRows(table.get(), snapshot);
      if (rows.rows().isEmpty()) {
        return false;
      }
      List<String> keys = t.primaryKey();
      int[] index = new int[keys.size()];
      StringBuilder columns = new StringBuilder();
      StringBuilder marks = new StringBuilder();
      for (int i = 0; i < keys.size(); i++) {
        index[i] = rows.columns().indexOf(keys.get(i));
        if (index[i] < 0) {
          return false; // a key column the inlined rows lack: none of them can match a key
        }
        columns.append(i == 0 ? "" : ", ").append(quote(keys.get(i))).append(' ');
        columns.append(t.schema().column(keys.get(i)).orElseThrow().type().duckdbType());
        marks.append(i == 0 ? "?" : ", ?");
      }
      Sql.execute(work, "CREATE TEMP TABLE " + relation + " (" + columns + ")");
      try (PreparedStatement ps =
          work.prepareStatement("INSERT INTO " + relation + " VALUES (" + marks + ")")) {
        for (List<Object> row : rows.rows()) {
          for (int i = 0; i < index.length; i++) {
            ps.setObject(i + 1, row.get(index[i]));
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return true;
    } catch (SQLException e) {
      throw new DuckLakeException(
          "Cannot read the keys of the rows inlined in table " + name + ": " + e.getMessage(), e);
    }
  }
}
