package dev.ducklift.ducklake.maintenance;

import java.util.List;

/**
 * What {@link LakeMaintenance#cleanupOldFiles} did.
 *
 * @param deletedFiles absolute paths of files removed from disk (or already absent) and from the
 *     schedule
 * @param keptFiles scheduled paths left alone because a data or delete file still references them
 */
public record CleanupResult(List<String> deletedFiles, List<String> keptFiles, boolean dryRun) {
  public CleanupResult {
    deletedFiles = List.copyOf(deletedFiles);
    keptFiles = List.copyOf(keptFiles);
  }
}
