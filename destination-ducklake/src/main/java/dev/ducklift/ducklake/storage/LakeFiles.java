package dev.ducklift.ducklake.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the rest of the lake code touches data files: DuckDB writes Parquet into a local spool
 * directory, {@link #publish} makes a spooled file the object at its location, and {@link
 * #readable} gives DuckDB a local path for an object. On a local lake the spool is the target
 * directory itself and objects are read in place; on object storage spooled files are uploaded and
 * removed, and objects are read through the {@link ReadCache}.
 */
public final class LakeFiles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LakeFiles.class);

  /** Files uploaded at once by {@link #publishAll}. */
  static final int UPLOAD_THREADS = 4;

  private final LakeStorage storage;
  private final Path spoolRoot;
  private final ReadCache cache;

  private LakeFiles(LakeStorage storage, Path spoolRoot, ReadCache cache) {
    this.storage = storage;
    this.spoolRoot = spoolRoot;
    this.cache = cache;
  }

  /** Files of a local lake, read and written in place. */
  public static LakeFiles local() {
    return new LakeFiles(new LocalStorage(), null, null);
  }

  /**
   * Files on remote storage.
   *
   * @param spoolRoot a local directory for Parquet written before its upload
   * @param cache local copies of objects read
   */
  public static LakeFiles remote(LakeStorage storage, Path spoolRoot, ReadCache cache) {
    return new LakeFiles(storage, spoolRoot, cache);
  }

  /**
   * The files of a lake on object storage: checks that the bucket answers (so a wrong bucket,
   * endpoint or key fails here, naming the bucket), clears spool directories that a killed process
   * left more than a day ago, and opens the read cache.
   */
  public static LakeFiles open(StorageLocation location) {
    if (!location.isRemote()) {
      return local();
    }
    S3Storage storage = new S3Storage(location.s3());
    try {
      storage.checkAccess(location.uri());
      Path spool = location.spoolDirectory().toAbsolutePath().normalize();
      Files.createDirectories(spool);
      clearStaleSpools(spool);
      return new LakeFiles(
          storage, spool, new ReadCache(location.cacheDirectory(), location.cacheMaxBytes()));
    } catch (IOException e) {
      storage.close();
      throw new StorageException(
          "Cannot create the spool directory " + location.spoolDirectory() + ": " + e, e);
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
  }

  private static void clearStaleSpools(Path spool) {
    long cutoff = System.currentTimeMillis() - 24L * 3600 * 1000;
    try (Stream<Path> dirs = Files.list(spool)) {
      for (Path d : dirs.toList()) {
        if (Files.getLastModifiedTime(d).toMillis() < cutoff) {
          try (Stream<Path> walk = Files.walk(d)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> deleteLocal(p.toString()));
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("Cannot clear old spool directories in {}", spool, e);
    }
  }

  /** The storage. */
  public LakeStorage storage() {
    return storage;
  }

  /** Whether the files are local (read and written in place). */
  public boolean isLocal() {
    return storage.isLocal();
  }

  /** The read cache, or null for a local lake. */
  public ReadCache cache() {
    return cache;
  }

  /**
   * A local directory (with trailing {@code /}) where DuckDB writes files destined for the
   * directory {@code location}: the directory itself on a local lake, a fresh spool directory
   * otherwise (removed by {@link #discardSpool}).
   */
  public String spool(String location) {
    Path dir = storage.isLocal() ? Path.of(location) : spoolRoot.resolve(UUID.randomUUID() + "");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("Cannot create the directory " + dir + ": " + e, e);
    }
    String s = dir.toAbsolutePath().normalize().toString().replace('\\', '/');
    return s.endsWith("/") ? s : s + "/";
  }

  /**
   * Makes the spooled file the object at {@code location}; on object storage uploads it and removes
   * the spooled file, also when the upload fails.
   */
  public void publish(String spooledFile, String location) {
    if (storage.isLocal()) {
      storage.write(location, Path.of(spooledFile));
      return;
    }
    try {
      storage.write(location, Path.of(spooledFile));
    } finally {
      deleteLocal(spooledFile);
    }
  }

  /**
   * Publishes several spooled files (spooled path to location), uploading them in parallel on
   * object storage (at most {@link #UPLOAD_THREADS} at a time). If one fails, the objects already
   * written are deleted again and every spooled file is removed before the error is thrown.
   */
  public void publishAll(Map<String, String> spooledToLocation) {
    if (storage.isLocal() || spooledToLocation.size() <= 1) {
      for (Map.Entry<String, String> e : spooledToLocation.entrySet()) {
        publish(e.getKey(), e.getValue());
      }
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(UPLOAD_THREADS, spooledToLocation.size()));
    try {
      Map<String, Future<?>> running = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : spooledToLocation.entrySet()) {
        running.put(e.getValue(), pool.submit(() -> publish(e.getKey(), e.getValue())));
      }
      RuntimeException failure = null;
      for (Future<?> f : running.values()) {
        try {
          f.get();
        } catch (ExecutionException ex) {
          if (failure == null) {
            failure =
                ex.getCause() instanceof RuntimeException r
                    ? r
                    : new StorageException("Cannot upload: " + ex.getCause(), ex.getCause());
          }
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          if (failure == null) {
            failure = new StorageException("Interrupted while uploading", ex);
          }
        }
      }
      if (failure != null) {
        for (String location : running.keySet()) {
          deleteQuietly(location);
        }
        throw failure;
      }
    } finally {
      pool.shutdownNow();
      for (String spooled : spooledToLocation.keySet()) {
        deleteLocal(spooled);
      }
    }
  }

  /** Removes a spool directory made by {@link #spool} (nothing on a local lake). */
  public void discardSpool(String spoolDirectory) {
    if (storage.isLocal()) {
      return;
    }
    Path dir = Path.of(spoolDirectory);
    if (!dir.startsWith(spoolRoot) || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> deleteLocal(p.toString()));
    } catch (IOException e) {
      LOG.warn("Cannot remove the spool directory {}: {}", dir, e.toString());
    }
  }

  /** A local path DuckDB can read the object at {@code location} from. */
  public String readable(String location) {
    if (storage.isLocal()) {
      return location;
    }
    return cache.get(storage, location).toString().replace('\\', '/');
  }

  /** Deletes an object, logging rather than failing (cleanup of uncommitted files). */
  public void deleteQuietly(String location) {
    try {
      storage.delete(location);
    } catch (RuntimeException e) {
      // an uncommitted object that cannot be removed is an orphan, never referenced by the catalog
      LOG.warn("Cannot remove the uncommitted file {}: {}", location, e.getMessage());
    }
  }

  private static void deleteLocal(String path) {
    try {
      Files.deleteIfExists(Path.of(path));
    } catch (IOException e) {
      LOG.debug("Cannot remove the spooled file {}", path, e);
    }
  }

  @Override
  public void close() {
    storage.close();
  }

  @Override
  public String toString() {
    return "LakeFiles[" + storage + "]";
  }
}
