package dev.ducklift.ducklake.maintenance;

import java.util.List;

/**
 * What {@link LakeMaintenance#expireSnapshots} did (or, on a dry run, would do).
 *
 * @param expiredSnapshots the snapshot ids removed
 * @param scheduledFiles data and delete files no longer reachable, now in {@code
 *     ducklake_files_scheduled_for_deletion}
 * @param removedTables ids of dropped tables whose catalog rows were removed
 */
public record ExpireResult(
    List<Long> expiredSnapshots,
    List<String> scheduledFiles,
    List<Long> removedTables,
    boolean dryRun) {
  public ExpireResult {
    expiredSnapshots = List.copyOf(expiredSnapshots);
    scheduledFiles = List.copyOf(scheduledFiles);
    removedTables = List.copyOf(removedTables);
  }
}
