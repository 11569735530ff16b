package dev.ducklift.ducklake;

import java.time.OffsetDateTime;

/**
 * A committed snapshot with its change record.
 *
 * @param snapshotId the id
 * @param time when it was committed
 * @param schemaVersion the catalog's schema version at this snapshot
 * @param nextCatalogId the next free catalog id after it
 * @param nextFileId the next free file id after it
 * @param changesMade the {@code changes_made} text ({@code inserted_into_table:1,...})
 * @param author the author, or {@code null}
 * @param commitMessage the commit message, or {@code null}
 * @param commitExtraInfo the extra info, or {@code null}
 */
public record SnapshotInfo(
    long snapshotId,
    OffsetDateTime time,
    long schemaVersion,
    long nextCatalogId,
    long nextFileId,
    String changesMade,
    String author,
    String commitMessage,
    String commitExtraInfo) {}
