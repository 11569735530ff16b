package dev.ducklift.ducklake.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * The lake's files as objects: write a new immutable object, read it whole or a range, its size,
 * list a prefix, delete. A location is a full path: an absolute {@code /}-separated file path for a
 * local lake, {@code s3://bucket/key} for a lake on object storage.
 *
 * <p>Knows nothing of the catalog. Objects are written once and never changed (their names are
 * fresh UUIDs), which is what lets readers cache them by location. Errors are {@link
 * StorageException}s naming the location (bucket and key), never a credential.
 */
public interface LakeStorage extends AutoCloseable {
  /**
   * Whether locations are local files DuckDB can read and write directly (then nothing is spooled
   * or cached).
   */
  boolean isLocal();

  /**
   * Stores the content of {@code localFile} as the object at {@code location}. The object is
   * visible to others only once complete; the local file is left as it is.
   */
  void write(String location, Path localFile);

  /** Stores {@code content} as the object at {@code location}. */
  void write(String location, byte[] content);

  /** The whole object. */
  byte[] read(String location);

  /** {@code length} bytes of the object from {@code offset} (fewer at its end). */
  byte[] read(String location, long offset, int length);

  /** Copies the whole object into {@code target} (replacing it). */
  void download(String location, Path target);

  /** The object's size and time, or null if there is no object at {@code location}. */
  StoredObject stat(String location);

  /** Every object whose location starts with {@code prefix}, in no particular order. */
  List<StoredObject> list(String prefix);

  /**
   * Deletes the object.
   *
   * @return whether there was one
   */
  boolean delete(String location);

  @Override
  void close();
}
