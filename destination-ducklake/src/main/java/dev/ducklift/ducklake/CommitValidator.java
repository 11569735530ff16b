package dev.ducklift.ducklake;

import java.sql.Connection;
import java.util.List;

/**
 * Re-checks a transaction against snapshots that other writers committed after its base snapshot,
 * before a retry is written. Throw {@link LogicalConflictException} to abort the commit (for
 * example when a concurrent commit inserted keys this one also inserts); the transaction's files
 * are then removed and nothing is written.
 */
@FunctionalInterface
public interface CommitValidator {
  /**
   * @param committedSinceBase the snapshots committed since the base (or since the last check),
   *     oldest first
   * @param catalog a catalog connection inside the commit's metadata transaction, for queries
   */
  void validate(List<SnapshotInfo> committedSinceBase, Connection catalog);
}
