package dev.ducklift.ducklake.promote;

import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.storage.LakeStorage;
import dev.ducklift.ducklake.storage.StoredObject;
import java.nio.charset.StandardCharsets;
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
 * next promote of the pipeline then removes the Parquet files (objects) written since that time
 * that no commit references (a file name is a fresh UUID, so the catalog either lists it or never
 * will), unless the load turns out to be committed.
 *
 * <p>Files of live writers are kept: nothing written after this journal was opened is removed, nor
 * anything written after the start of another pipeline's promote still in the journal.
 *
 * <p>The journal lives with the lake (in the same storage, local or a bucket) rather than in the
 * pipeline's working directory, so a fresh machine that resumes the pipeline also cleans what a
 * dead one left. It goes through the lake's {@link LakeStorage} only.
 */
final class PromoteJournal {
  private static final Logger LOG = LoggerFactory.getLogger(PromoteJournal.class);

  /**
   * Files written this long before a marker's time still count as the load's (clock slack; object
   * stores keep times to the second).
   */
  private static final long SLACK_MILLIS = 2_000;

  static final String DIRECTORY = "_ducklift_journal";

  private final DuckLake lake;
  private final LakeStorage storage;
  private final String dataPath;

  /**
   * Files written after this moment are never removed: a process that died wrote its files before
   * this one opened the journal, while a live writer's files may be newer.
   */
  private final long openedAtMillis;

  PromoteJournal(DuckLake lake) {
    this.lake = lake;
    this.storage = lake.files().storage();
    this.dataPath = lake.dataPath();
    this.openedAtMillis = System.currentTimeMillis();
  }

  private String root() {
    return dataPath + DIRECTORY + "/";
  }

  private String directory(String pipeline) {
    return root() + pipeline + "/";
  }

  /** Records that the Parquet writes of a load begin now (durably, before any file is written). */
  void begin(String pipeline, String loadId) {
    storage.write(
        directory(pipeline) + loadId,
        Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
  }

  /** Forgets a load's marker (its promote committed or failed cleanly). */
  void end(String pipeline, String loadId) {
    try {
      storage.delete(directory(pipeline) + loadId);
    } catch (RuntimeException e) {
      // a marker left behind only costs one extra scan on the next promote
      LOG.warn("Cannot remove the promote journal entry of load {}: {}", loadId, e.getMessage());
    }
  }

  private static boolean isMarker(StoredObject o) {
    return !o.location().endsWith(".tmp");
  }

  private static String name(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /**
   * Handles markers left by earlier processes of the pipeline: files of uncommitted loads are
   * removed, markers of committed loads are just dropped.
   *
   * @return how many files were removed
   */
  int recover(String pipeline, Predicate<String> committed) {
    List<StoredObject> markers = new ArrayList<>();
    for (StoredObject o : storage.list(directory(pipeline))) {
      if (isMarker(o) && o.location().indexOf('/', directory(pipeline).length()) < 0) {
        markers.add(o);
      }
    }
    int removed = 0;
    for (StoredObject marker : markers) {
      String loadId = name(marker.location());
      if (!committed.test(loadId)) {
        long since = markerTime(marker.location());
        removed += removeUnreferencedSince(since - SLACK_MILLIS, otherPipelinesFrom(pipeline));
      }
      end(pipeline, loadId);
    }
    return removed;
  }

  private long markerTime(String location) {
    try {
      return Long.parseLong(new String(storage.read(location), StandardCharsets.UTF_8).trim());
    } catch (RuntimeException e) {
      // unreadable or half written: everything before this journal opened may be the load's
      return 0;
    }
  }

  /**
   * The earliest start of a promote of another pipeline still in the journal (in flight, or dead
   * and not yet recovered), minus the slack; files from then on may be that promote's and are kept.
   */
  private long otherPipelinesFrom(String pipeline) {
    long earliest = Long.MAX_VALUE;
    String own = directory(pipeline);
    for (StoredObject o : storage.list(root())) {
      if (o.location().startsWith(own) || !isMarker(o)) {
        continue;
      }
      try {
        long t =
            Long.parseLong(new String(storage.read(o.location()), StandardCharsets.UTF_8).trim());
        earliest = Math.min(earliest, t - SLACK_MILLIS);
      } catch (RuntimeException e) {
        // a marker removed or being written right now: its promote has not written a file yet
      }
    }
    return earliest;
  }

  private int removeUnreferencedSince(long sinceMillis, long protectedFromMillis) {
    long until = Math.min(openedAtMillis, protectedFromMillis);
    String journal = root();
    List<StoredObject> orphans = new ArrayList<>();
    for (StoredObject o : storage.list(dataPath)) {
      if (o.location().startsWith(journal) || !o.location().endsWith(".parquet")) {
        continue;
      }
      if (o.lastModifiedMillis() >= sinceMillis && o.lastModifiedMillis() < until) {
        orphans.add(o);
      }
    }
    // read after listing, so a file another writer committed meanwhile counts as referenced
    Set<String> referenced = LakeCatalog.referencedFileNames(lake);
    int removed = 0;
    for (StoredObject f : orphans) {
      if (referenced.contains(name(f.location()))) {
        continue;
      }
      try {
        if (storage.delete(f.location())) {
          removed++;
        }
      } catch (RuntimeException e) {
        LOG.warn("Cannot remove the uncommitted file {}: {}", f.location(), e.getMessage());
      }
    }
    return removed;
  }
}
