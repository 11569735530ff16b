package dev.ducklift.ducklake.read;

/**
 * A data file live at some snapshot, with the delete file visible for it at that snapshot.
 *
 * @param path the absolute path of the file
 * @param rowIdStart row id of physical row 0; null when the file embeds row ids
 * @param partialMax for files holding rows of several snapshots, the largest of them; else null
 * @param deleteFile the single visible delete file, or null
 */
public record DataFile(
    long id,
    long tableId,
    long beginSnapshot,
    Long endSnapshot,
    String path,
    String catalogPath,
    boolean pathIsRelative,
    long recordCount,
    long fileSizeBytes,
    Long footerSize,
    Long rowIdStart,
    Long partitionId,
    Long mappingId,
    Long partialMax,
    DeleteFile deleteFile) {}
