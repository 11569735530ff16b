package dev.ducklift.ducklake.storage;

/**
 * An object of the lake's storage.
 *
 * @param location its full location
 * @param size its size in bytes
 * @param lastModifiedMillis when it was written (the storage's clock; for S3 to the second)
 */
public record StoredObject(String location, long size, long lastModifiedMillis) {}
