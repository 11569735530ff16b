package dev.ducklift.ducklake.promote;

import static dev.ducklift.ducklake.promote.Sql.columnList;
import static dev.ducklift.ducklake.promote.Sql.literal;
import static dev.ducklift.ducklake.promote.Sql.quote;

import dev.ducklift.core.MergeHints;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.PromoteResult.TableWriteResult;
import dev.ducklift.core.spi.StagedTable;
import dev.ducklift.ducklake.DataFileInfo;
import dev.ducklift.ducklake.TableName;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code merge} with strategy {@code scd2}: every version of a row is kept with its validity
 * interval. A staged row whose key has no current version, or whose {@code _dl_version_hash}
 * differs from the current one, becomes the new current version; the version it supersedes is
 * closed (its row deleted and a copy with {@code _dl_valid_to} set written, in the same snapshot);
 * an unchanged row does nothing. Current versions in scope whose key the load lacks, or whose
 * staged row is flagged by {@code hard_delete}, are closed without a successor. The scope is every
 * current version for a full extract, else the current versions whose merge key (or, for an
 * incremental resource, primary key) appears in the load.
 *
 * <p>Each version has its own {@code _dl_id} (the staged id hashed with the version's hash and
 * start), so child rows follow their parent's version: a new version brings its staged child rows
 * under new ids; the child rows of a closed version stay with it.
 */
final class Scd2Writer {
  private static final String HASH = quote(MergeHints.VERSION_HASH);
  private static final String FROM = quote(MergeHints.VALID_FROM);
  private static final String TO = quote(MergeHints.VALID_TO);

  private final LoadWriter w;
  private final TableName name;
  private final StagedTable t;
  private final boolean existed;

  Scd2Writer(LoadWriter w, TableName name, StagedTable t, boolean existed) {
    this.w = w;
    this.name = name;
    this.t = t;
    this.existed = existed;
  }

  TableWriteResult write() throws SQLException {
    return t.schema().isChild() ? child() : root();
  }

  private String boundary() {
    MergeHints h = t.merge();
    java.time.Instant b =
        h.boundaryTimestamp() != null ? h.boundaryTimestamp() : w.load.startedAt();
    return "CAST(" + literal(b.toString()) + " AS TIMESTAMPTZ)";
  }

  private TableWriteResult root() throws SQLException {
    MergeHints h = t.merge();
    List<String> pk = t.primaryKey();
    String boundary = boundary();
    String base = pk.isEmpty() ? w.stagedRows(t) : w.dedupSql(t, pk);
    String validFrom =
        h.validFromColumn() == null
            ? boundary
            : "COALESCE(CAST(b."
                + quote(h.validFromColumn())
                + " AS TIMESTAMPTZ), "
                + boundary
                + ")";
    String staged = w.temp("scd2_s");
    Sql.execute(
        w.work,
        "CREATE TEMP TABLE "
            + staged
            + " AS SELECT *, CAST(md5(CAST(\"_dl_id\" AS VARCHAR) || '/' || "
            + HASH
            + " || '/' || CAST(epoch_us("
            + FROM
            + ") AS VARCHAR)) AS UUID) AS \"__dl_new_id\" FROM (SELECT b.*, "
            + MergeColumns.versionHash(t, "b")
            + " AS "
            + HASH
            + ", "
            + MergeColumns.deleted(t, "b")
            + " AS \"__dl_del\", "
            + validFrom
            + " AS "
            + FROM
            + " FROM ("
            + base
            + ") b)"
            + (pk.isEmpty() ? " QUALIFY row_number() OVER (PARTITION BY " + HASH + ") = 1" : ""));

    String same =
        (pk.isEmpty() ? "" : LoadWriter.keyMatch(pk, "s", "c") + " AND ")
            + "s."
            + HASH
            + " = c."
            + HASH;
    String current = null;
    String retired = null;
    String note = "merge: scd2";
    List<Long> candidates = List.of();
    if (existed) {
      List<String> scopeKeys = new ArrayList<>(h.mergeKey());
      if (!pk.isEmpty() && (!h.mergeKey().isEmpty() || t.cursorColumn() != null)) {
        scopeKeys.addAll(pk);
      }
      List<DataFileInfo> live = w.lake.liveDataFiles(name);
      String scope;
      List<DataFileInfo> files;
      if (h.mergeKey().isEmpty() && t.cursorColumn() == null) {
        scope = "true";
        files = live;
        note += "; full extract: " + live.size() + " live file(s) read, absent keys retired";
      } else {
        List<String> parts = new ArrayList<>();
        Map<Long, DataFileInfo> union = new LinkedHashMap<>();
        for (List<String> keys :
            h.mergeKey().isEmpty()
                ? List.of(pk)
                : pk.isEmpty() ? List.of(h.mergeKey()) : List.of(h.mergeKey(), pk)) {
          parts.add("(" + LoadWriter.keyIn(keys, staged) + ")");
          KeyPruning.Pruned p =
              KeyPruning.prune(
                  w.work, live, t.schema(), keys, staged, "scd2 by " + String.join(", ", keys));
          p.files().forEach(f -> union.put(f.dataFileId(), f));
          note += "; " + p.note();
        }
        scope = String.join(" OR ", parts);
        files = new ArrayList<>(union.values());
      }
      candidates = files.stream().map(DataFileInfo::dataFileId).toList();
      List<String> lakeColumns = new ArrayList<>(LakeCatalog.columns(w.lake, name).keySet());
      String rows =
          Sql.liveRows(
              w.work,
              w.lake.files(),
              files,
              LakeCatalog.scanColumns(w.lake, name),
              lakeColumns,
              TO + " IS NULL AND (" + scope + ")");
      if (rows != null) {
        current = w.temp("scd2_c");
        Sql.execute(w.work, "CREATE TEMP TABLE " + current + " AS " + rows);
        String close =
            h.validFromColumn() != null && !pk.isEmpty()
                ? "COALESCE((SELECT max(s."
                    + FROM
                    + ") FROM "
                    + staged
                    + " s WHERE "
                    + LoadWriter.keyMatch(pk, "s", "c")
                    + "), "
                    + boundary
                    + ")"
                : boundary;
        retired = w.temp("scd2_r");
        Sql.execute(
            w.work,
            "CREATE TEMP TABLE "
                + retired
                + " AS SELECT c.*, "
                + close
                + " AS \"__dl_close\" FROM "
                + current
                + " c WHERE NOT EXISTS (SELECT 1 FROM "
                + staged
                + " s WHERE NOT s.\"__dl_del\" AND "
                + same
                + ")");
      }
    }
    String inserted = w.temp("scd2_i");
    Sql.execute(
        w.work,
        "CREATE TEMP TABLE "
            + inserted
            + " AS SELECT s.* FROM "
            + staged
            + " s WHERE NOT s.\"__dl_del\""
            + (current == null
                ? ""
                : " AND NOT EXISTS (SELECT 1 FROM " + current + " c WHERE " + same + ")"));

    long closed = 0;
    if (retired != null && Sql.count(w.work, "SELECT count(*) FROM " + retired) > 0) {
      w.txn.deleteWhere(
          name,
          w.work,
          TO + " IS NULL AND \"_dl_id\" IN (SELECT \"_dl_id\" FROM " + retired + ")",
          candidates);
      closed =
          w.txn.append(
              name,
              w.work,
              "SELECT * EXCLUDE (\"__dl_close\") REPLACE (\"__dl_close\" AS "
                  + TO
                  + ") FROM "
                  + retired);
    }
    List<String> select = new ArrayList<>();
    for (String c : MergeColumns.lakeColumns(t)) {
      select.add(c.equals(TableSchema.ROW_ID) ? "\"__dl_new_id\" AS \"_dl_id\"" : quote(c));
    }
    select.add(HASH);
    select.add(FROM);
    select.add("CAST(NULL AS TIMESTAMPTZ) AS " + TO);
    long versions =
        w.txn.append(name, w.work, "SELECT " + String.join(", ", select) + " FROM " + inserted);
    w.versionIds.put(
        t.name(), "(SELECT \"_dl_id\" AS \"__dl_old_id\", \"__dl_new_id\" FROM " + inserted + ")");
    w.written.put(t.name(), inserted);
    w.keyChecks.add(
        new LoadWriter.KeyCheck(
            name, pk.isEmpty() ? List.of(MergeHints.VERSION_HASH) : pk, inserted));

    long superseded =
        retired == null || pk.isEmpty()
            ? 0
            : Sql.count(
                w.work,
                "SELECT count(*) FROM "
                    + inserted
                    + " s WHERE EXISTS (SELECT 1 FROM "
                    + retired
                    + " c WHERE "
                    + LoadWriter.keyMatch(pk, "s", "c")
                    + ")");
    note +=
        "; "
            + versions
            + " new version(s), "
            + closed
            + " closed ("
            + superseded
            + " superseded, "
            + (closed - superseded)
            + " retired)";
    return new TableWriteResult(
        t.name(),
        versions - superseded,
        t.rowCount() - versions,
        superseded,
        closed - superseded,
        note);
  }

  /** Child rows of the parents' new versions, under ids derived from those versions' ids. */
  private TableWriteResult child() throws SQLException {
    String parents = w.versionIds.get(t.schema().parentTable());
    if (parents == null || t.rowCount() == 0) {
      w.versionIds.put(
          t.name(),
          "(SELECT CAST(NULL AS UUID) AS \"__dl_old_id\", CAST(NULL AS UUID) AS \"__dl_new_id\""
              + " WHERE false)");
      return new TableWriteResult(t.name(), 0, t.rowCount(), 0, 0, "scd2: no new parent versions");
    }
    String rows = w.temp("scd2_child");
    Sql.execute(
        w.work,
        "CREATE TEMP TABLE "
            + rows
            + " AS SELECT c.* REPLACE (CAST(md5(CAST(m.\"__dl_new_id\" AS VARCHAR) || '/' ||"
            + " CAST(c.\"_dl_id\" AS VARCHAR)) AS UUID) AS \"_dl_id\", m.\"__dl_new_id\" AS "
            + quote(TableSchema.PARENT_ID)
            + "), c.\"_dl_id\" AS \"__dl_old_id\" FROM ("
            + w.dedupSql(t, List.of(TableSchema.ROW_ID))
            + ") c JOIN "
            + parents
            + " m ON c."
            + quote(TableSchema.PARENT_ID)
            + " = m.\"__dl_old_id\"");
    List<String> columns = t.schema().columns().stream().map(Column::name).toList();
    long inserted = w.txn.append(name, w.work, "SELECT " + columnList(columns) + " FROM " + rows);
    w.versionIds.put(
        t.name(), "(SELECT \"__dl_old_id\", \"_dl_id\" AS \"__dl_new_id\" FROM " + rows + ")");
    w.written.put(t.name(), rows);
    return new TableWriteResult(
        t.name(),
        inserted,
        t.rowCount() - inserted,
        0,
        0,
        "scd2: child rows of the new parent versions");
  }
}
