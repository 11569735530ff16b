package dev.ducklift.ducklake.write;

import dev.ducklift.ducklake.CommitResult;
import dev.ducklift.ducklake.DataFileInfo;
import dev.ducklift.ducklake.SnapshotInfo;
import java.util.ArrayList;
import java.util.List;

/** What one commit attempt wrote, and the result it reports if its snapshot lands. */
final class CommitAttempt {
  private final ChangeModel model;
  long snapshotId;
  long schemaVersion;
  long nextCatalogId;
  long nextFileId;
  String changes;
  String marker;
  String markerQuery;
  long rowsInserted;
  long rowsDeleted;
  final List<DataFileInfo> files = new ArrayList<>();

  /** The attempt's last catalog writes, still to be sent together with COMMIT. */
  CatalogBatch finalBatch;

  CommitAttempt(ChangeModel model) {
    this.model = model;
  }

  CommitResult result(int attempts) {
    SnapshotInfo info =
        new SnapshotInfo(
            snapshotId,
            null,
            schemaVersion,
            nextCatalogId,
            nextFileId,
            changes,
            model.author,
            model.commitMessage,
            model.commitExtraInfo);
    return new CommitResult(info, attempts, files, rowsInserted, rowsDeleted);
  }
}
