package dev.ducklift.ducklake.read;

import java.time.Instant;

/**
 * One row of {@code ducklake_snapshot} joined with its {@code ducklake_snapshot_changes} row.
 *
 * @param changesMade the raw {@code changes_made} text ({@code type:value,...}); null when unset
 */
public record Snapshot(
    long id,
    Instant time,
    long schemaVersion,
    long nextCatalogId,
    long nextFileId,
    String changesMade,
    String author,
    String commitMessage,
    String commitExtraInfo) {

  /** The parsed entries of {@link #changesMade()}, in order. */
  public java.util.List<SnapshotChange> changes() {
    return SnapshotChange.parse(changesMade);
  }
}
