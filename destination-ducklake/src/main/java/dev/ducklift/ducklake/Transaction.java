package dev.ducklift.ducklake;

import dev.ducklift.core.PartitionField;
import dev.ducklift.ducklake.write.TransactionState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A set of changes to a lake that {@link #commit()} turns into exactly one snapshot: catalog
 * changes (schemas, tables, columns), appended rows and deleted rows.
 *
 * <p>Changes are checked against the transaction's base snapshot (the lake's latest snapshot when
 * the transaction began) as they are made, so an unknown table or a duplicate column fails at once.
 * Appended rows and delete files are written to Parquet immediately; they become visible only when
 * the commit succeeds, and are removed if it fails or the transaction is {@link #close() closed}
 * uncommitted.
 *
 * <p>Commits are optimistic: if other writers committed since the base snapshot, the commit checks
 * their changes against the official DuckLake conflict rules (appends to one table by several
 * writers all land; an append and a delete on one table conflict; a table altered or dropped
 * meanwhile conflicts), re-allocates ids and row ids and retries with backoff.
 *
 * <p>Not thread-safe: build and commit a transaction on one thread. Use one transaction per thread
 * for concurrent writes.
 */
public final class Transaction implements AutoCloseable {
  private final TransactionState state;
  private final DuckLake lake;
  private Connection scratch;

  Transaction(DuckLake lake) {
    this.lake = lake;
    this.state =
        new TransactionState(
            lake.catalog(),
            lake.dataPath(),
            lake.files(),
            lake.options(),
            this::scratch,
            lake.columnCache());
  }

  private Connection scratch() {
    if (scratch == null) {
      scratch = lake.newScratchConnection();
    }
    return scratch;
  }

  /** The snapshot this transaction is based on. */
  public long baseSnapshotId() {
    return state.baseSnapshotId();
  }

  /** Creates a schema (its directory is its name, or a UUID if the name is not plain). */
  public Transaction createSchema(String name) {
    state.createSchema(name);
    return this;
  }

  /**
   * Creates a table. Column ids are assigned from 1, depth-first (a struct before its fields).
   *
   * @throws DuckLakeException if the schema does not exist, the table exists, or a type is not
   *     supported
   */
  public Transaction createTable(TableName table, List<ColumnDefinition> columns) {
    state.createTable(table, List.copyOf(columns));
    return this;
  }

  /** Whether a table exists as this transaction sees it. */
  public boolean tableExists(TableName table) {
    return state.tableExists(table);
  }

  /** Whether a schema exists as this transaction sees it. */
  public boolean schemaExists(String schema) {
    return state.schemaExists(schema);
  }

  /**
   * Adds a column. Its default (if any) is also what rows written before it read as.
   *
   * @throws DuckLakeException if the table does not exist or has a column of that name
   */
  public Transaction addColumn(TableName table, ColumnDefinition column) {
    state.addColumn(table, column);
    return this;
  }

  /** Renames a top-level column (its id, and so the data of old files, stays). */
  public Transaction renameColumn(TableName table, String from, String to) {
    state.renameColumn(table, from, to);
    return this;
  }

  /**
   * Widens a column's type to DuckDB's maximum type of its type and {@code to}, as the official
   * extension allows: {@code int8 → int16 → int32 → int64}, the unsigned chain, an unsigned type to
   * a wider signed one, {@code float32 → float64}, integers and decimals to decimals with room for
   * their values or to floats, {@code date → timestamp → timestamptz}.
   *
   * @throws DuckLakeException for any other change
   */
  public Transaction promoteColumn(TableName table, String column, LakeType.Primitive to) {
    state.promoteColumn(table, column, to);
    return this;
  }

  /** Drops a column (old files keep its data; its id is never reused). */
  public Transaction dropColumn(TableName table, String column) {
    state.dropColumn(table, column);
    return this;
  }

  /** Renames a table within its schema (recorded as {@code created_table} with the new name). */
  public Transaction renameTable(TableName table, String newName) {
    state.renameTable(table, newName);
    return this;
  }

  /**
   * Partitions a table by {@code keys} (each a column or {@code transform(column)} with {@code
   * identity}, {@code year}, {@code month}, {@code day} or {@code hour}) from this snapshot on, as
   * {@code ALTER TABLE … SET PARTITIONED BY} does; an empty list removes the partitioning. Files
   * written before keep theirs. Appends of this transaction (after this call) write one file set
   * per partition value into hive directories. A table whose partitioning an official writer (or
   * another worker) set is written with that partitioning without this call.
   *
   * @return whether the partitioning changes (false if the table has these keys already)
   * @throws DuckLakeException naming the table and key if a key names no column or its transform
   *     does not apply to the column's type
   */
  public boolean setPartitioning(TableName table, List<PartitionField> keys) {
    return state.setPartitioning(table, keys);
  }

  /** Drops a table with its data (files are kept until maintenance removes them). */
  public Transaction dropTable(TableName table) {
    state.dropTable(table);
    return this;
  }

  /**
   * Appends the rows of a DuckDB query, written to Parquet now. Query columns are matched to table
   * columns by name and cast to the table's types; table columns the query lacks get their default
   * or NULL.
   *
   * @param duckdb the DuckDB connection to run the query on (for example the staging database); not
   *     closed
   * @param query a DuckDB {@code SELECT} (or a quoted table name wrapped as {@code SELECT * FROM
   *     t})
   * @return the number of rows written
   * @throws DuckLakeException if the query fails, has a column the table lacks, or the data path
   *     cannot be written
   */
  public long append(TableName table, Connection duckdb, String query) {
    Objects.requireNonNull(duckdb, "duckdb");
    return state.append(table, duckdb, query);
  }

  /** Appends the rows of a query run on an in-memory DuckDB of this lake (literals, files). */
  public long append(TableName table, String query) {
    return state.append(table, null, query);
  }

  /**
   * Deletes the rows (as of the base snapshot) matching a DuckDB condition over the table's column
   * names, for example {@code "id" IN (SELECT id FROM staging.t)}. Writes cumulative delete files
   * now (one per affected data file); a data file losing all its rows is ended instead. A data file
   * that already has a delete file gets a replacement tagging each position with the snapshot that
   * deleted it, as the official extension writes it.
   *
   * @param duckdb the connection to evaluate the condition on; not closed
   * @return rows newly deleted
   */
  public long deleteWhere(TableName table, Connection duckdb, String predicate) {
    Objects.requireNonNull(duckdb, "duckdb");
    return state.deleteWhere(table, duckdb, predicate, null);
  }

  /**
   * Like {@link #deleteWhere(TableName, Connection, String)}, searching only the given data files
   * (ids from {@link DuckLake#liveDataFiles(TableName)}, for example those whose column statistics
   * can hold the keys to delete). Matching rows in other files are not deleted.
   */
  public long deleteWhere(
      TableName table, Connection duckdb, String predicate, Collection<Long> dataFileIds) {
    Objects.requireNonNull(duckdb, "duckdb");
    return state.deleteWhere(table, duckdb, predicate, Set.copyOf(dataFileIds));
  }

  /** Like {@link #deleteWhere(TableName, Connection, String)} on an in-memory DuckDB. */
  public long deleteWhere(TableName table, String predicate) {
    return state.deleteWhere(table, null, predicate, null);
  }

  /**
   * Sets the snapshot's author, commit message and extra info ({@code null} for none). Ducklift
   * puts the pipeline name and load id in the extra info.
   */
  public Transaction commitInfo(String author, String message, String extraInfo) {
    state.commitInfo(author, message, extraInfo);
    return this;
  }

  /**
   * Sets a validator run before each retry with the snapshots other writers committed meanwhile; it
   * can abort the commit with {@link LogicalConflictException}.
   */
  public Transaction validator(CommitValidator validator) {
    state.validator(validator);
    return this;
  }

  /**
   * Commits all changes as one snapshot.
   *
   * @return the result, or {@code null} if the transaction made no change
   * @throws LogicalConflictException if a concurrent commit conflicts (nothing written, files
   *     removed)
   * @throws CommitConflictException if every attempt lost the race (nothing written, files removed)
   * @throws CommitStateUnknownException if the outcome cannot be determined (files kept)
   * @throws DuckLakeException for other catalog errors (nothing written, files removed)
   */
  public CommitResult commit() {
    try {
      if (lake.requiresCommitInfo() && !state.hasCommitInfo()) {
        throw new DuckLakeException(
            "The lake requires a commit message (option require_commit_message); set one with"
                + " commitInfo before committing");
      }
      return state.commit();
    } finally {
      closeScratch();
    }
  }

  /** Abandons the transaction if it was not committed, removing its files. */
  @Override
  public void close() {
    state.abort();
    closeScratch();
  }

  private void closeScratch() {
    if (scratch != null) {
      try {
        scratch.close();
      } catch (SQLException ignored) {
        // an in-memory scratch connection holds nothing to lose
      }
      scratch = null;
    }
  }
}
