package dev.ducklift.core.spi;

import java.util.List;
import java.util.OptionalLong;

/**
 * What a promote did.
 *
 * @param snapshotId the destination snapshot (commit) id created, if the destination has them
 * @param alreadyCommitted whether the load had been committed before (nothing was written)
 * @param tables per table counts
 */
public record PromoteResult(
    OptionalLong snapshotId, boolean alreadyCommitted, List<TableWriteResult> tables) {
  public PromoteResult {
    tables = List.copyOf(tables);
  }

  /**
   * Per-table counts of a promote.
   *
   * @param table the table
   * @param inserted rows added
   * @param skippedDuplicates rows skipped because their key was already present (insert-new)
   * @param replaced rows that replaced an existing version (merge)
   * @param deleted rows that ended (replace, merge's child rows)
   * @param notes how the write was done, for example the dedup strategy ({@code "pruned 3 of 120
   *     files by cursor window"}, {@code "full key scan"})
   */
  public record TableWriteResult(
      String table,
      long inserted,
      long skippedDuplicates,
      long replaced,
      long deleted,
      String notes) {}
}
