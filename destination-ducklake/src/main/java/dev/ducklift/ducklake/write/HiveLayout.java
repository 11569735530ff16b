package dev.ducklift.ducklake.write;

import static dev.ducklift.ducklake.catalog.CatalogDatabase.quote;

import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.internal.Uuids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the files of a partitioned write go: DuckDB's partitioned {@code COPY} writes into a spool
 * directory of its own under the table directory, one hive directory per key named after an
 * internal key column; each file then moves to the official layout ({@code
 * year=2024/month=11/ducklake-<uuid>.parquet}, keys named as the official writer names them, values
 * escaped as DuckDB escapes them).
 *
 * <p>The key columns only steer the {@code COPY}: DuckDB leaves partition columns out of the files,
 * which thus hold exactly the table's columns, as the official writer's files do. A process killed
 * before a file moved leaves it in the spool directory, an unreferenced Parquet file that the
 * promote journal (and the official orphan cleanup) removes like any other.
 */
final class HiveLayout {
  private static final Logger LOG = LoggerFactory.getLogger(HiveLayout.class);
  private static final String KEY_COLUMN = "__ducklift_p";

  private final PartitionSpec spec;
  private final List<ColumnNode> columns;
  private final Path directory;
  private final Path spool;

  HiveLayout(PartitionSpec spec, List<ColumnNode> columns, String directory) {
    this.spec = spec;
    this.columns = columns;
    this.directory = Path.of(directory);
    this.spool = this.directory.resolve(".ducklift-spool-" + Uuids.v7());
  }

  String spoolDirectory() {
    return spool.toString();
  }

  /** The rows of {@code select} with one key column per partition key added. */
  String withKeyColumns(String select) {
    StringBuilder b = new StringBuilder("SELECT *");
    for (int i = 0; i < spec.keys().size(); i++) {
      b.append(", ")
          .append(spec.expression(spec.keys().get(i), columns))
          .append(" AS ")
          .append(quote(KEY_COLUMN + i));
    }
    return b.append(" FROM (").append(select).append(")").toString();
  }

  String partitionByOption() {
    StringBuilder b = new StringBuilder("PARTITION_BY (");
    for (int i = 0; i < spec.keys().size(); i++) {
      b.append(i == 0 ? "" : ", ").append(quote(KEY_COLUMN + i));
    }
    return b.append(')').toString();
  }

  /**
   * Moves a file the {@code COPY} wrote into its hive directory.
   *
   * @param partitionKeys the {@code partition_keys} the {@code COPY} reported for it
   */
  WrittenFile place(WrittenFile f, Map<?, ?> partitionKeys) {
    Path written = Path.of(f.absolutePath());
    Path relative = spool.relativize(written);
    if (relative.getNameCount() != spec.keys().size() + 1) {
      throw new DuckLakeException("Unexpected partitioned file layout: " + written);
    }
    List<String> values = new ArrayList<>();
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < spec.keys().size(); i++) {
      String segment = relative.getName(i).toString();
      String prefix = KEY_COLUMN + i + "=";
      if (!segment.startsWith(prefix)) {
        throw new DuckLakeException("Unexpected partitioned file layout: " + written);
      }
      path.append(spec.directoryKey(spec.keys().get(i), columns))
          .append('=')
          .append(segment.substring(prefix.length()))
          .append('/');
      Object v = partitionKeys == null ? null : partitionKeys.get(KEY_COLUMN + i);
      values.add(v == null ? null : v.toString());
    }
    path.append(written.getFileName());
    Path target = directory.resolve(path.toString());
    try {
      Files.createDirectories(target.getParent());
      Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new DuckLakeException(
          "Cannot move the new data file " + written + " to " + target + ": " + e.getMessage(), e);
    }
    return new WrittenFile(
        target.toString(),
        path.toString(),
        f.recordCount(),
        f.fileSizeBytes(),
        f.footerSize(),
        f.columnStats(),
        values);
  }

  /**
   * Orders files by their partition values, key by key (numbers by value, NULL last), so that file
   * ids follow the partitions as the official writer assigns them.
   */
  static final Comparator<WrittenFile> BY_PARTITION =
      (a, b) -> {
        List<String> x = a.partitionValues();
        List<String> y = b.partitionValues();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
          int c = compareValues(x.get(i), y.get(i));
          if (c != 0) {
            return c;
          }
        }
        return a.relativePath().compareTo(b.relativePath());
      };

  private static int compareValues(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    try {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }

  /** Removes the spool directory and whatever a failed write left in it. */
  void removeSpool() {
    if (!Files.exists(spool)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(spool)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // nothing the catalog references lives here; the promote journal's cleanup retries
      LOG.warn("Cannot remove the spool directory {}: {}", spool, e.getMessage());
    }
  }
}
