package dev.ducklift.ducklake.write;

import dev.ducklift.core.PartitionField;
import dev.ducklift.ducklake.DuckLakeException;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The partitioning of the tables of one transaction: read from the catalog at the base snapshot
 * (whoever set it), changed by the transaction, and written with its commit.
 */
final class TablePartitioning {
  private final CatalogDatabase db;
  private final PartitionCatalog catalog;
  private final long baseSnapshot;

  TablePartitioning(CatalogDatabase db, long baseSnapshot) {
    this.db = db;
    this.catalog = new PartitionCatalog(db);
    this.baseSnapshot = baseSnapshot;
  }

  /** The partitioning new files of the table are written with, read once from the catalog. */
  PartitionSpec of(TableModel t) {
    if (!t.partitioningKnown) {
      try (Connection c = db.connect()) {
        t.partitioning = catalog.read(c, t.existingId, baseSnapshot);
      } catch (SQLException e) {
        throw new DuckLakeException(
            "Cannot read the partitioning of table " + t.label() + ": " + e.getMessage(), e);
      }
      if (t.partitioning != null) {
        t.partitioning.checkWritable(t.label(), t.columns);
      }
      t.partitioningKnown = true;
    }
    return t.partitioning;
  }

  /**
   * Partitions the table by {@code keys} from the commit on (none for an empty list).
   *
   * @return whether the partitioning changes; the caller records the table as altered
   * @throws DuckLakeException naming the table and key for a key that does not fit the table, or if
   *     files were written in this transaction already
   */
  boolean set(TableModel t, List<PartitionField> keys) {
    PartitionSpec wanted = PartitionSpec.of(t.label(), keys, t.columns);
    PartitionSpec current = of(t);
    if (wanted.keys().isEmpty() ? current == null : wanted.sameKeys(current)) {
      return false;
    }
    if (!t.files.isEmpty()) {
      throw new DuckLakeException(
          "Table "
              + t.label()
              + ": its partitioning cannot change after files were written in the same"
              + " transaction");
    }
    t.partitioning = wanted.keys().isEmpty() ? null : wanted;
    t.partitioningSet = true;
    return true;
  }

  /**
   * Gives each new partitioning of a commit attempt its id.
   *
   * @return the next free catalog id after them
   */
  static long allocate(List<TableModel> tables, long nextCatalogId) {
    for (TableModel t : tables) {
      if (t.partitioningSet && t.partitioning != null && !t.dropped) {
        t.partitioning = t.partitioning.withId(nextCatalogId++);
      }
    }
    return nextCatalogId;
  }

  /** Writes the partitioning rows of the tables whose partitioning the transaction changes. */
  void write(CatalogBatch batch, List<TableModel> tables, long s) {
    for (TableModel t : tables) {
      if (!t.partitioningSet || t.dropped) {
        continue;
      }
      if (t.partitioning == null) {
        catalog.end(batch, t.id(), s);
      } else {
        catalog.write(batch, t.id(), s, t.partitioning, !t.created);
      }
    }
  }

  /** The {@code partition_id} of the table's new data files: a Long or a typed NULL. */
  static Object partitionId(TableModel t) {
    return t.partitioning == null ? CatalogBatch.NULL_BIGINT : t.partitioning.partitionId();
  }

  /** The partition value rows of one new data file of the table (none if unpartitioned). */
  void writeValues(CatalogBatch batch, TableModel t, long dataFileId, WrittenFile f) {
    if (t.partitioning != null) {
      catalog.writeValues(batch, dataFileId, t.id(), f.partitionValues());
    }
  }
}
