package dev.ducklift.ducklake.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a lake's data files live: a local (or mounted) directory, or a prefix of an S3-compatible
 * bucket ({@code s3://bucket/prefix/}) with the settings to reach it. {@link #toString()} shows no
 * credential.
 */
public final class StorageLocation {
  /** The default bound of the read cache: 2 GiB. */
  public static final long DEFAULT_CACHE_BYTES = 2L << 30;

  private final Path directory;
  private final String uri;
  private final S3Settings s3;
  private final Path cacheDirectory;
  private final long cacheMaxBytes;
  private final Path spoolDirectory;

  private StorageLocation(
      Path directory,
      String uri,
      S3Settings s3,
      Path cacheDirectory,
      long cacheMaxBytes,
      Path spoolDirectory) {
    this.directory = directory;
    this.uri = uri;
    this.s3 = s3;
    this.cacheDirectory = cacheDirectory;
    this.cacheMaxBytes = cacheMaxBytes;
    this.spoolDirectory = spoolDirectory;
  }

  private static Path temp(String name) {
    return Path.of(System.getProperty("java.io.tmpdir"), "ducklift", name);
  }

  /**
   * The same location with a read cache in {@code directory} (shared safely by processes) of at
   * most {@code maxBytes}; by default {@code <tmp>/ducklift/cache}, {@link #DEFAULT_CACHE_BYTES}.
   */
  public StorageLocation withCache(Path directory, long maxBytes) {
    return new StorageLocation(this.directory, uri, s3, directory, maxBytes, spoolDirectory);
  }

  /**
   * The same location spooling Parquet in {@code directory} before upload; by default {@code
   * <tmp>/ducklift/spool}.
   */
  public StorageLocation withSpool(Path directory) {
    return new StorageLocation(this.directory, uri, s3, cacheDirectory, cacheMaxBytes, directory);
  }

  /** Where objects read are cached (object storage only). */
  public Path cacheDirectory() {
    return cacheDirectory;
  }

  /** The read cache's bound in bytes. */
  public long cacheMaxBytes() {
    return cacheMaxBytes;
  }

  /** Where Parquet is written before its upload (object storage only). */
  public Path spoolDirectory() {
    return spoolDirectory;
  }

  /** A local directory. */
  public static StorageLocation local(Path directory) {
    return new StorageLocation(
        Objects.requireNonNull(directory, "directory"), null, null, null, 0, null);
  }

  /**
   * A prefix of a bucket, e.g. {@code s3://lake/warehouse/}.
   *
   * @throws IllegalArgumentException if {@code uri} is not an {@code s3://bucket/...} URI
   */
  public static StorageLocation s3(String uri, S3Settings settings) {
    S3Storage.Key.parse(uri);
    String u = uri.endsWith("/") ? uri : uri + "/";
    return new StorageLocation(
        null,
        u,
        settings == null ? S3Settings.DEFAULTS : settings,
        temp("cache"),
        DEFAULT_CACHE_BYTES,
        temp("spool"));
  }

  /**
   * {@code s3://...} (with {@code settings}) or a local path (relative ones resolved against {@code
   * base}).
   */
  public static StorageLocation parse(String value, Path base, S3Settings settings) {
    if (value.startsWith("s3://")) {
      return s3(value, settings);
    }
    if (value.contains("://")) {
      throw new IllegalArgumentException(
          "Unsupported data path " + value + ": use a directory or s3://bucket/prefix/");
    }
    return local(base == null ? Path.of(value) : base.resolve(value));
  }

  /** Whether the files are on object storage. */
  public boolean isRemote() {
    return uri != null;
  }

  /** The local directory; null for object storage. */
  public Path directory() {
    return directory;
  }

  /** The {@code s3://bucket/prefix/} URI (with trailing slash); null for a local directory. */
  public String uri() {
    return uri;
  }

  /** The S3 settings; null for a local directory. */
  public S3Settings s3() {
    return s3;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StorageLocation l
        && Objects.equals(directory, l.directory)
        && Objects.equals(uri, l.uri)
        && Objects.equals(s3, l.s3);
  }

  @Override
  public int hashCode() {
    return Objects.hash(directory, uri, s3);
  }

  @Override
  public String toString() {
    return isRemote() ? uri + " " + s3 : directory.toString();
  }
}
