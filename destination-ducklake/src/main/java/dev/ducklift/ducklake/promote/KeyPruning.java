package dev.ducklift.ducklake.promote;

import static dev.ducklift.ducklake.promote.Sql.literal;
import static dev.ducklift.ducklake.promote.Sql.quote;

import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.ducklake.ColumnStats;
import dev.ducklift.ducklake.DataFileInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Which live files of a table can hold rows whose key columns take values of a batch: a file is
 * skipped when, for some key column, its min/max statistics lie outside the batch's min/max. Keys
 * that cannot be ordered (lists, JSON, blobs) or files without statistics are never skipped.
 */
final class KeyPruning {
  private KeyPruning() {}

  /** The candidate files and a note saying how they were found. */
  record Pruned(List<DataFileInfo> files, int total, String note) {
    List<Long> ids() {
      return files.stream().map(DataFileInfo::dataFileId).toList();
    }
  }

  /**
   * @param schema the staged schema (for the key columns' types)
   * @param batch a relation on {@code work} whose key values are looked for
   * @param what how the note names the operation, e.g. {@code "delete-insert by day"}
   */
  static Pruned prune(
      Connection work,
      List<DataFileInfo> files,
      TableSchema schema,
      List<String> keys,
      String batch,
      String what)
      throws SQLException {
    if (files.isEmpty()) {
      return new Pruned(files, 0, what + ": table has no files");
    }
    List<String> prunable = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (String k : keys) {
      DataType type = schema.column(k).orElseThrow().type();
      if (orderable(type)) {
        prunable.add(k);
        types.add(type.duckdbType());
      }
    }
    if (prunable.isEmpty()) {
      return new Pruned(
          files, files.size(), what + ": " + files.size() + " file(s) read, keys not orderable");
    }
    StringBuilder q = new StringBuilder("SELECT ");
    for (int i = 0; i < prunable.size(); i++) {
      String k = quote(prunable.get(i));
      q.append(i == 0 ? "" : ", ")
          .append("CAST(min(")
          .append(k)
          .append(") AS VARCHAR), CAST(max(")
          .append(k)
          .append(") AS VARCHAR)");
    }
    q.append(" FROM ").append(batch);
    List<String> bounds = new ArrayList<>();
    try (Statement s = work.createStatement();
        ResultSet rs = s.executeQuery(q.toString())) {
      rs.next();
      for (int i = 1; i <= prunable.size() * 2; i++) {
        bounds.add(rs.getString(i));
      }
    }
    if (bounds.get(0) == null) {
      // no non-null key in the batch: nothing can match
      return new Pruned(List.of(), files.size(), what + ": no keys in the load");
    }
    StringBuilder values = new StringBuilder();
    for (int f = 0; f < files.size(); f++) {
      values.append(f == 0 ? "(" : ", (").append(f);
      for (String k : prunable) {
        ColumnStats st = files.get(f).columnStats().get(k);
        values.append(", ").append(literal(st == null ? null : st.minValue()));
        values.append(", ").append(literal(st == null ? null : st.maxValue()));
      }
      values.append(")");
    }
    StringBuilder aliases = new StringBuilder("id");
    StringBuilder keep = new StringBuilder("true");
    for (int i = 0; i < prunable.size(); i++) {
      String type = types.get(i);
      String lo = "CAST(" + literal(bounds.get(2 * i)) + " AS " + type + ")";
      String hi = "CAST(" + literal(bounds.get(2 * i + 1)) + " AS " + type + ")";
      aliases.append(", kmin").append(i).append(", kmax").append(i);
      keep.append(" AND COALESCE(NOT (TRY_CAST(CAST(kmax")
          .append(i)
          .append(" AS VARCHAR) AS ")
          .append(type)
          .append(") < ")
          .append(lo)
          .append(" OR TRY_CAST(CAST(kmin")
          .append(i)
          .append(" AS VARCHAR) AS ")
          .append(type)
          .append(") > ")
          .append(hi)
          .append("), true)");
    }
    List<DataFileInfo> kept = new ArrayList<>();
    try (Statement s = work.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id FROM (VALUES "
                    + values
                    + ") AS f("
                    + aliases
                    + ") WHERE "
                    + keep
                    + " ORDER BY id")) {
      while (rs.next()) {
        kept.add(files.get(rs.getInt(1)));
      }
    }
    return new Pruned(
        kept,
        files.size(),
        what
            + ": "
            + files.size()
            + " live file(s), "
            + (files.size() - kept.size())
            + " pruned by "
            + String.join(", ", prunable)
            + " statistics, "
            + kept.size()
            + " read");
  }

  private static boolean orderable(DataType type) {
    return switch (type.kind()) {
      case LIST, JSON, BINARY, INTERVAL, BOOLEAN -> false;
      default -> true;
    };
  }
}
