package dev.ducklift.ducklake;

import java.util.List;

/**
 * The outcome of a successful commit.
 *
 * @param snapshot the snapshot the commit created
 * @param attempts how many attempts it took (1 without conflicts)
 * @param dataFiles the data files added, with their final ids and row ids
 * @param rowsInserted rows added by appends
 * @param rowsDeleted rows deleted
 */
public record CommitResult(
    SnapshotInfo snapshot,
    int attempts,
    List<DataFileInfo> dataFiles,
    long rowsInserted,
    long rowsDeleted) {
  public CommitResult {
    dataFiles = List.copyOf(dataFiles);
  }

  public long snapshotId() {
    return snapshot.snapshotId();
  }
}
