package dev.ducklift.ducklake.maintenance;

import java.util.List;

/**
 * What {@link LakeMaintenance#mergeAdjacentFiles} did.
 *
 * @param snapshotId the new snapshot ({@code merge_adjacent:<table>}), or null when nothing was
 *     merged
 * @param merges one entry per new file
 */
public record MergeResult(Long snapshotId, List<Merge> merges) {
  public MergeResult {
    merges = List.copyOf(merges);
  }

  /** One merged file and the data files it replaced. */
  public record Merge(
      long newDataFileId, String path, List<Long> sourceDataFileIds, long rowCount) {
    public Merge {
      sourceDataFileIds = List.copyOf(sourceDataFileIds);
    }
  }
}
