package dev.ducklift.ducklake.promote;

import static dev.ducklift.ducklake.promote.Sql.columnList;

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
 * {@code merge} with strategy {@code delete-insert}, for a root table: every lake row whose merge
 * key (or, with a primary key, whose primary key) appears in the load ends, with its child rows;
 * then the load's rows are written, one per primary key when there is one, without those flagged by
 * {@code hard_delete}. Only files whose statistics can hold a staged key are read.
 */
final class DeleteInsertWriter {
  private final LoadWriter w;
  private final TableName name;
  private final StagedTable t;
  private final boolean existed;

  DeleteInsertWriter(LoadWriter w, TableName name, StagedTable t, boolean existed) {
    this.w = w;
    this.name = name;
    this.t = t;
    this.existed = existed;
  }

  TableWriteResult write() throws SQLException {
    List<String> mergeKey = t.merge().mergeKey();
    List<String> pk = t.primaryKey();
    String rows = pk.isEmpty() ? "(" + w.stagedRows(t) + ")" : w.dedupedBatch(t, pk).relation();
    String note = "merge: delete-insert by " + String.join(", ", mergeKey);
    long deleted = 0;
    if (existed) {
      String predicate = LoadWriter.keyIn(mergeKey, rows);
      List<DataFileInfo> live = w.lake.liveDataFiles(name);
      KeyPruning.Pruned byMergeKey =
          KeyPruning.prune(w.work, live, t.schema(), mergeKey, rows, "delete-insert");
      List<DataFileInfo> candidates = byMergeKey.files();
      note += "; " + byMergeKey.note();
      if (!pk.isEmpty()) {
        predicate = "(" + predicate + ") OR (" + LoadWriter.keyIn(pk, rows) + ")";
        KeyPruning.Pruned byKey =
            KeyPruning.prune(w.work, live, t.schema(), pk, rows, "delete-insert by primary key");
        Map<Long, DataFileInfo> union = new LinkedHashMap<>();
        for (DataFileInfo f : candidates) {
          union.put(f.dataFileId(), f);
        }
        for (DataFileInfo f : byKey.files()) {
          union.put(f.dataFileId(), f);
        }
        candidates = new ArrayList<>(union.values());
        note += "; " + byKey.note();
      }
      if (w.hasChildrenInLoad(t.name())) {
        // the ids of the lake rows that end, so their child rows end with them
        String ids = w.temp("ids");
        String lakeIds =
            Sql.liveRows(
                w.work,
                w.lake.files(),
                candidates,
                LakeCatalog.scanColumns(w.lake, name),
                List.of(TableSchema.ROW_ID),
                predicate);
        Sql.execute(
            w.work,
            "CREATE TEMP TABLE "
                + ids
                + " AS SELECT \"_dl_id\" FROM "
                + rows
                + (lakeIds == null ? "" : " UNION SELECT \"_dl_id\" FROM (" + lakeIds + ")"));
        w.replacedIds.put(t.name(), ids);
      }
      deleted =
          w.txn.deleteWhere(
              name, w.work, predicate, candidates.stream().map(DataFileInfo::dataFileId).toList());
    }
    String kept = rows;
    if (MergeColumns.flag(t) != null) {
      kept = "(SELECT * FROM " + rows + " b WHERE NOT " + MergeColumns.deleted(t, "b") + ")";
      note += "; rows flagged by " + MergeColumns.flag(t) + " not written";
    }
    long appended =
        w.txn.append(
            name, w.work, "SELECT " + columnList(MergeColumns.lakeColumns(t)) + " FROM " + kept);
    w.written.put(t.name(), kept);
    w.keyChecks.add(new LoadWriter.KeyCheck(name, mergeKey, rows));
    return new TableWriteResult(t.name(), appended, t.rowCount() - appended, 0, deleted, note);
  }
}
