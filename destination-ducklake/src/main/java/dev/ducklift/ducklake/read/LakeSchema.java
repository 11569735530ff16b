package dev.ducklift.ducklake.read;

/**
 * A schema visible at some snapshot.
 *
 * @param path the schema directory relative to the data path (or absolute), never null: a NULL
 *     catalog path falls back to the data path itself ({@code ""}, relative)
 */
public record LakeSchema(long id, String name, String path, boolean pathIsRelative) {}
