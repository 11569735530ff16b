package dev.ducklift.ducklake.read;

/** One row of {@code ducklake_inlined_delete_<table>}: a deleted position of a data file. */
public record InlinedDelete(long dataFileId, long position, long beginSnapshot) {}
