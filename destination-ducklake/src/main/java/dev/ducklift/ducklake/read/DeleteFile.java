package dev.ducklift.ducklake.read;

/**
 * A delete file of one data file.
 *
 * @param path the absolute path of the file
 * @param partialMax for snapshot-tagged delete files, the largest embedded snapshot id; else null
 */
public record DeleteFile(
    long id,
    long tableId,
    long dataFileId,
    long beginSnapshot,
    Long endSnapshot,
    String path,
    String catalogPath,
    boolean pathIsRelative,
    String format,
    long deleteCount,
    long fileSizeBytes,
    Long footerSize,
    Long partialMax) {}
