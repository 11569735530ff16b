package dev.ducklift.ducklake.write;

import dev.ducklift.core.PartitionField;
import dev.ducklift.ducklake.ColumnDefinition;
import dev.ducklift.ducklake.CommitResult;
import dev.ducklift.ducklake.CommitValidator;
import dev.ducklift.ducklake.DuckLakeOptions;
import dev.ducklift.ducklake.LakeType;
import dev.ducklift.ducklake.TableName;
import dev.ducklift.ducklake.catalog.CatalogDatabase;
import dev.ducklift.ducklake.storage.LakeFiles;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The working state of one transaction: the catalog as of its base snapshot, the changes made to
 * it, the files written for it, and the optimistic commit loop that turns them into one snapshot.
 *
 * <p>Each job has its own class: {@link ChangeModel} (the catalog as the transaction sees and
 * changes it), {@link TableFileWrites} (the data and delete files), {@link ConflictRules} (what
 * conflicts with concurrent commits) and {@link CommitLoop} (the attempts, with {@link
 * AttemptReads} and {@link SnapshotRowWriter}). This class ties them together for {@link
 * dev.ducklift.ducklake.Transaction}.
 */
public final class TransactionState {
  private final ChangeModel model;
  private final TableFileWrites files;
  private final CommitLoop commitLoop;

  public TransactionState(
      CatalogDatabase db, String dataPath, DuckLakeOptions options, Supplier<Connection> scratch) {
    this(db, dataPath, LakeFiles.local(), options, scratch, new ColumnCache());
  }

  /**
   * Starts a transaction at the latest snapshot, taking the columns of tables from {@code
   * columnCache} when the base snapshot's schema version matches (shared by the transactions of one
   * lake), its files going through {@code lakeFiles}.
   */
  public TransactionState(
      CatalogDatabase db,
      String dataPath,
      LakeFiles lakeFiles,
      DuckLakeOptions options,
      Supplier<Connection> scratch,
      ColumnCache columnCache) {
    this.model = new ChangeModel(db, columnCache);
    this.files = new TableFileWrites(model, dataPath, lakeFiles, options, scratch);
    this.commitLoop = new CommitLoop(model, dataPath, options, files, this::abort);
  }

  /** The snapshot this transaction started from. */
  public long baseSnapshotId() {
    return model.baseSnapshotId();
  }

  /** The current columns of a table as this transaction sees it. */
  public List<ColumnNode> columns(TableName name) {
    return model.columns(name);
  }

  /** Whether a table exists as this transaction sees it. */
  public boolean tableExists(TableName name) {
    return model.tableExists(name);
  }

  /** Whether a schema exists as this transaction sees it. */
  public boolean schemaExists(String name) {
    return model.schemaExists(name);
  }

  public void createSchema(String name) {
    model.createSchema(name);
  }

  public void createTable(TableName name, List<ColumnDefinition> columns) {
    model.createTable(name, columns);
  }

  public void addColumn(TableName name, ColumnDefinition column) {
    model.addColumn(name, column);
  }

  public void renameColumn(TableName name, String from, String to) {
    model.renameColumn(name, from, to);
  }

  public void promoteColumn(TableName name, String column, LakeType.Primitive to) {
    model.promoteColumn(name, column, to);
  }

  public void dropColumn(TableName name, String column) {
    model.dropColumn(name, column);
  }

  public void renameTable(TableName name, String newName) {
    model.renameTable(name, newName);
  }

  public void dropTable(TableName name) {
    model.checkOpen();
    files.discard(name);
    model.dropTable(name);
  }

  /** The table's partitioning as of this transaction, or null if it is not partitioned. */
  public PartitionSpec partitioning(TableName name) {
    return model.partitioning(name);
  }

  /**
   * Partitions the table by {@code keys} from this snapshot on, as {@code SET PARTITIONED BY} does
   * (a new {@code ducklake_partition_info} row, {@code altered_table}); files written earlier keep
   * their partitioning. Nothing changes if the table is partitioned by these keys already; a new
   * table gets its partitioning in the snapshot that creates it.
   *
   * @return whether the partitioning changes
   * @throws DuckLakeException naming the table and key if a key names no column or its transform
   *     does not apply to the column's type, or if files were written in this transaction already
   */
  public boolean setPartitioning(TableName name, List<PartitionField> keys) {
    return model.setPartitioning(name, keys);
  }

  /** Writes the rows of {@code query} (run on {@code duckdb}) as new data files of the table. */
  public long append(TableName name, Connection duckdb, String query) {
    return files.append(name, duckdb, query);
  }

  /**
   * Deletes the rows of a table, as committed at the base snapshot, that match {@code predicate} (a
   * DuckDB SQL condition over the table's current column names, evaluated on {@code duckdb}).
   *
   * @param onlyDataFiles if not null, only these data files are searched (the caller pruned the
   *     others, for example by their column statistics)
   * @return how many rows the predicate newly deletes
   */
  public long deleteWhere(
      TableName name, Connection duckdb, String predicate, Set<Long> onlyDataFiles) {
    return files.deleteWhere(name, duckdb, predicate, onlyDataFiles);
  }

  public void commitInfo(String author, String message, String extraInfo) {
    model.commitInfo(author, message, extraInfo);
  }

  /** Whether an author, message or extra info was set. */
  public boolean hasCommitInfo() {
    return model.hasCommitInfo();
  }

  public void validator(CommitValidator validator) {
    model.validator(validator);
  }

  /** Deletes every file written for this transaction and closes it. */
  public void abort() {
    if (model.finished) {
      return;
    }
    model.finished = true;
    files.deleteAll();
  }

  /**
   * Commits all changes as one snapshot, retrying on conflicts with concurrent writers.
   *
   * @return the result, or {@code null} if the transaction changed nothing
   */
  public CommitResult commit() {
    return commitLoop.commit();
  }
}
