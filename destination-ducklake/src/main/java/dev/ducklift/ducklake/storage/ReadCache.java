package dev.ducklift.ducklake.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local copies of objects, keyed by location: objects never change, so a copy is valid for as long
 * as it exists. Bounded in size, evicting the least recently used copies (the access time is the
 * file's modification time, touched on every use).
 *
 * <p>Safe for several processes sharing the directory: a copy is downloaded under a unique
 * temporary name and moved into place atomically (two processes fetching the same object both end
 * with a whole copy), and eviction spares copies used within the last {@link #IN_USE_MILLIS}, so a
 * path just handed to DuckDB is not removed under it. A SIGKILL leaves at most a temporary file,
 * which the next eviction removes once it is old.
 */
public final class ReadCache {
  private static final Logger LOG = LoggerFactory.getLogger(ReadCache.class);
  static final long IN_USE_MILLIS = 60_000;

  private final Path directory;
  private final long maxBytes;
  private final AtomicLong fetchedBytes = new AtomicLong();
  private final AtomicLong fetchedObjects = new AtomicLong();

  public ReadCache(Path directory, long maxBytes) {
    this.directory = directory.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
    try {
      Files.createDirectories(this.directory);
    } catch (IOException e) {
      throw new StorageException("Cannot create the read cache " + this.directory + ": " + e, e);
    }
  }

  /** The local copy of the object at {@code location}, fetched from {@code storage} if absent. */
  public Path get(LakeStorage storage, String location) {
    Path copy = directory.resolve(key(location));
    if (Files.isRegularFile(copy)) {
      touch(copy);
      return copy;
    }
    Path tmp = directory.resolve(".fetch-" + UUID.randomUUID());
    try {
      storage.download(location, tmp);
      long size = Files.size(tmp);
      Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fetchedBytes.addAndGet(size);
      fetchedObjects.incrementAndGet();
    } catch (IOException e) {
      throw new StorageException("Cannot cache " + location + " in " + directory + ": " + e, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // removed by a later eviction
      }
    }
    evict();
    return copy;
  }

  /** Bytes downloaded by this cache since it was created. */
  public long fetchedBytes() {
    return fetchedBytes.get();
  }

  /** Objects downloaded by this cache since it was created. */
  public long fetchedObjects() {
    return fetchedObjects.get();
  }

  /** The cache directory. */
  public Path directory() {
    return directory;
  }

  private static void touch(Path p) {
    try {
      Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException ignored) {
      // evicted by another process just now: the caller's path stays readable until closed
    }
  }

  private record Entry(Path path, long size, long used) {}

  /** Removes least recently used copies until the cache fits its bound. */
  synchronized void evict() {
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    long now = System.currentTimeMillis();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
      for (Path p : ds) {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          long used = a.lastModifiedTime().toMillis();
          if (p.getFileName().toString().startsWith(".fetch-")) {
            if (now - used > 10 * IN_USE_MILLIS) {
              Files.deleteIfExists(p);
            }
            continue;
          }
          entries.add(new Entry(p, a.size(), used));
          total += a.size();
        } catch (IOException e) {
          // removed by another process meanwhile
        }
      }
    } catch (IOException e) {
      LOG.warn("Cannot list the read cache {}: {}", directory, e.toString());
      return;
    }
    if (total <= maxBytes) {
      return;
    }
    entries.sort((a, b) -> Long.compare(a.used(), b.used()));
    for (Entry e : entries) {
      if (total <= maxBytes) {
        break;
      }
      if (now - e.used() < IN_USE_MILLIS) {
        break;
      }
      try {
        Files.deleteIfExists(e.path());
        total -= e.size();
      } catch (IOException ex) {
        LOG.debug("Cannot evict {} from the read cache", e.path(), ex);
      }
    }
  }

  /** The file name of a location's copy: a hash of the location, keeping its extension. */
  static String key(String location) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256").digest(location.getBytes(StandardCharsets.UTF_8));
      String name = HexFormat.of().formatHex(h, 0, 20);
      return location.endsWith(".parquet") ? name + ".parquet" : name;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
