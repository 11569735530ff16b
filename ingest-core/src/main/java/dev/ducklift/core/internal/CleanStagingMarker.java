package dev.ducklift.core.internal;

import dev.ducklift.core.DuckliftException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file beside the staging database ({@code staging.duckdb.clean}) whose presence promises that
 * staging holds no load, so a run can know that without opening DuckDB.
 *
 * <p>It is created only after a run finished or dropped every load it found or staged, and removed
 * (durably) before a load is begun; staging without the file is opened and its journal read, as
 * always. A staging file that does not exist holds no load either.
 */
final class CleanStagingMarker {

  private static final Logger LOG = LoggerFactory.getLogger(CleanStagingMarker.class);

  private final Path directory;
  private final Path staging;
  private final Path marker;

  CleanStagingMarker(Path workingDirectory) {
    this.directory = workingDirectory;
    this.staging = workingDirectory.resolve(Staging.FILE_NAME);
    this.marker = workingDirectory.resolve(Staging.FILE_NAME + ".clean");
  }

  /** Whether staging certainly holds no load. */
  boolean clean() {
    return Files.exists(marker) || !Files.exists(staging);
  }

  /** Records that staging holds no load (best effort: a missing marker only costs an open). */
  void markClean() {
    try {
      if (!Files.exists(marker)) {
        Files.createFile(marker);
      }
    } catch (IOException e) {
      // Without the marker the next run opens staging and reads its journal: slower, not wrong.
      LOG.warn("Cannot create the staging marker {}: {}", marker, e.getMessage());
    }
  }

  /** Removes the promise before anything is staged; fails rather than stage under a stale one. */
  void remove() {
    try {
      if (Files.deleteIfExists(marker)) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
          dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
          // Some platforms cannot sync a directory; the delete itself has happened.
        }
      }
    } catch (IOException e) {
      throw new DuckliftException(
          "Cannot remove the staging marker " + marker + ": " + e.getMessage(), e);
    }
  }
}
