package dev.ducklift.samples.schedule;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.maintenance.CleanupResult;
import dev.ducklift.ducklake.maintenance.ExpireResult;
import dev.ducklift.ducklake.maintenance.LakeMaintenance;
import dev.ducklift.ducklake.maintenance.MergeResult;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What a maintenance run does to a lake, in this order: expire snapshots (keeping the newest {@code
 * keepLast}, or those younger than {@code expireOlderThan}), merge small adjacent files of every
 * table, delete files scheduled for deletion longer than {@code cleanupOlderThan} ago.
 *
 * @param keepLast expire all but this many newest snapshots; {@code null} to not expire by count
 * @param expireOlderThan expire snapshots older than this age; {@code null} to not expire by age
 * @param merge merge small files of every table
 * @param targetFileSizeBytes the size merged files grow to
 * @param cleanup delete files scheduled for deletion
 * @param cleanupOlderThan only files scheduled at least this long ago ({@code null}: all)
 * @param dryRun report what would happen without changing anything (merges are skipped)
 */
public record MaintenancePlan(
    Integer keepLast,
    Duration expireOlderThan,
    boolean merge,
    long targetFileSizeBytes,
    boolean cleanup,
    Duration cleanupOlderThan,
    boolean dryRun) {

  /** The official extension's default merge target (512 MiB). */
  public static final long DEFAULT_TARGET_FILE_SIZE = 512L * 1024 * 1024;

  public MaintenancePlan {
    if (keepLast != null && keepLast < 1) {
      throw new IllegalArgumentException("Keep at least the latest snapshot, got " + keepLast);
    }
    if (targetFileSizeBytes < 1024) {
      throw new IllegalArgumentException("Target file size must be at least 1024 bytes");
    }
  }

  /** Whether the plan does anything. */
  public boolean isEmpty() {
    return keepLast == null && expireOlderThan == null && !merge && !cleanup;
  }

  /**
   * Runs the plan on a lake opened for writing.
   *
   * @return what was done, as JSON ({@code expire}, {@code merge}, {@code cleanup})
   */
  public ObjectNode run(DuckLake lake, Clock clock) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("dry_run", dryRun);
    try (LakeReader reader = LakeReader.open(lake)) {
      LakeMaintenance maintenance = new LakeMaintenance(reader);
      if (keepLast != null || expireOlderThan != null) {
        ExpireResult expired =
            keepLast != null
                ? maintenance.expireKeepingLast(keepLast, dryRun)
                : maintenance.expireOlderThan(clock.instant().minus(expireOlderThan), dryRun);
        ObjectNode e = out.putObject("expire");
        ArrayNode ids = e.putArray("expired_snapshots");
        expired.expiredSnapshots().forEach(ids::add);
        e.put("files_scheduled_for_deletion", expired.scheduledFiles().size());
      }
      if (merge && !dryRun) {
        ArrayNode merges = out.putArray("merge");
        for (LakeTable table : reader.tables(reader.latestSnapshot().id())) {
          MergeResult result =
              maintenance.mergeAdjacentFiles(table.schemaName(), table.name(), targetFileSizeBytes);
          if (result.snapshotId() != null) {
            ObjectNode m = merges.addObject();
            m.put("table", table.qualifiedName());
            m.put("snapshot_id", result.snapshotId());
            m.put("new_files", result.merges().size());
            m.put(
                "files_replaced",
                result.merges().stream().mapToInt(x -> x.sourceDataFileIds().size()).sum());
          }
        }
      }
      if (cleanup) {
        Instant before = cleanupOlderThan == null ? null : clock.instant().minus(cleanupOlderThan);
        CleanupResult cleaned = maintenance.cleanupOldFiles(before, dryRun);
        ObjectNode c = out.putObject("cleanup");
        c.put("files_deleted", cleaned.deletedFiles().size());
        c.put("files_kept_still_referenced", cleaned.keptFiles().size());
      }
    }
    return out;
  }

  /**
   * A {@link Job} running this plan on the lake {@code lakes} opens (and the job closes), so
   * maintenance is scheduled like any pipeline.
   */
  public Job job(Supplier<DuckLake> lakes) {
    return () -> {
      try (DuckLake lake = lakes.get()) {
        return run(lake, Clock.systemUTC()).toString();
      }
    };
  }
}
