package dev.ducklift.ducklake.promote;

import dev.ducklift.ducklake.DuckLake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Markers of promotes in progress, kept beside the data under {@code <data
 * path>/_ducklift_journal/<pipeline>/<load id>}: a marker holds the time the load's Parquet writes
 * began. A marker outlives its promote only if the process died before the commit finished; the
 * next promote of the pipeline then removes the Parquet files written since that time that no
 * commit references (a file name is a fresh UUID, so the catalog either lists it or never will),
 * unless the load turns out to be committed.
 *
 * <p>Files of live writers are kept: nothing written after this journal was opened is removed, nor
 * anything written after the start of another pipeline's promote still in the journal.
 *
 * <p>The journal lives with the lake rather than in the pipeline's working directory, so a fresh
 * machine that resumes the pipeline also cleans what a dead one left.
 */
final class PromoteJournal {
  private static final Logger LOG = LoggerFactory.getLogger(PromoteJournal.class);

  /** Files written this long before a marker's time still count as the load's (clock slack). */
  private static final long SLACK_MILLIS = 2_000;

  static final String DIRECTORY = "_ducklift_journal";

  private final DuckLake lake;
  private final Path dataPath;

  /**
   * Files written after this moment are never removed: a process that died wrote its files before
   * this one opened the journal, while a live writer's files may be newer.
   */
  private final long openedAtMillis;

  PromoteJournal(DuckLake lake) {
    this.lake = lake;
    this.dataPath = Path.of(lake.dataPath());
    this.openedAtMillis = System.currentTimeMillis();
  }

  private Path directory(String pipeline) {
    return dataPath.resolve(DIRECTORY).resolve(pipeline);
  }

  /** Records that the Parquet writes of a load begin now (durably, before any file is written). */
  void begin(String pipeline, String loadId) {
    Path dir = directory(pipeline);
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(loadId + ".tmp");
      Files.writeString(tmp, Long.toString(System.currentTimeMillis()), StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(loadId), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the promote journal of load " + loadId + " in " + dir + ": " + e, e);
    }
  }

  /** Forgets a load's marker (its promote committed or failed cleanly). */
  void end(String pipeline, String loadId) {
    try {
      Files.deleteIfExists(directory(pipeline).resolve(loadId));
    } catch (IOException e) {
      // a marker left behind only costs one extra scan on the next promote
      LOG.warn("Cannot remove the promote journal entry of load {}: {}", loadId, e.toString());
    }
  }

  /**
   * Handles markers left by earlier processes of the pipeline: files of uncommitted loads are
   * removed, markers of committed loads are just dropped.
   *
   * @return how many files were removed
   */
  int recover(String pipeline, Predicate<String> committed) {
    Path dir = directory(pipeline);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    List<Path> markers = new ArrayList<>();
    try (var list = Files.list(dir)) {
      list.filter(p -> !p.getFileName().toString().endsWith(".tmp")).forEach(markers::add);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the promote journal " + dir + ": " + e, e);
    }
    int removed = 0;
    for (Path marker : markers) {
      String loadId = marker.getFileName().toString();
      if (!committed.test(loadId)) {
        long since;
        try {
          since = Long.parseLong(Files.readString(marker, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
          since = 0;
        }
        removed += removeUnreferencedSince(since - SLACK_MILLIS, otherPipelinesFrom(pipeline));
      }
      end(pipeline, loadId);
    }
    return removed;
  }

  /**
   * The earliest start of a promote of another pipeline still in the journal (in flight, or dead
   * and not yet recovered), minus the slack; files from then on may be that promote's and are kept.
   */
  private long otherPipelinesFrom(String pipeline) {
    Path root = dataPath.resolve(DIRECTORY);
    long earliest = Long.MAX_VALUE;
    try (var pipelines = Files.list(root)) {
      for (Path p : pipelines.toList()) {
        if (p.getFileName().toString().equals(pipeline) || !Files.isDirectory(p)) {
          continue;
        }
        try (var markers = Files.list(p)) {
          for (Path m : markers.toList()) {
            try {
              long t = Long.parseLong(Files.readString(m, StandardCharsets.UTF_8).trim());
              earliest = Math.min(earliest, t - SLACK_MILLIS);
            } catch (IOException | NumberFormatException e) {
              // a marker being written right now: its promote has not written a file yet
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the promote journal " + root + ": " + e, e);
    }
    return earliest;
  }

  private int removeUnreferencedSince(long sinceMillis, long protectedFromMillis) {
    long until = Math.min(openedAtMillis, protectedFromMillis);
    Path journal = dataPath.resolve(DIRECTORY);
    List<Path> orphans = new ArrayList<>();
    try {
      Files.walkFileTree(
          dataPath,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              return d.equals(journal) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
              String name = f.getFileName().toString();
              long modified = attrs.lastModifiedTime().toMillis();
              if (name.endsWith(".parquet") && modified >= sinceMillis && modified < until) {
                orphans.add(f);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the data path " + dataPath + ": " + e, e);
    }
    // read after listing, so a file another writer committed meanwhile counts as referenced
    Set<String> referenced = LakeCatalog.referencedFileNames(lake);
    int removed = 0;
    for (Path f : orphans) {
      if (referenced.contains(f.getFileName().toString())) {
        continue;
      }
      try {
        if (Files.deleteIfExists(f)) {
          removed++;
        }
      } catch (IOException e) {
        LOG.warn("Cannot remove the uncommitted file {}: {}", f, e.toString());
      }
    }
    return removed;
  }
}
