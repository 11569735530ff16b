/**
 * The write side of the DuckLake implementation. Used through {@link
 * dev.ducklift.ducklake.Transaction}; not API.
 *
 * <p>One job per class:
 *
 * <ul>
 *   <li>{@link dev.ducklift.ducklake.write.TransactionState}: ties the parts of one transaction
 *       together.
 *   <li>{@code ChangeModel}: the catalog as of the base snapshot and the schema/table changes made
 *       to it ({@code TableModel}, {@code SchemaModel}, {@code ColumnNode}).
 *   <li>{@code TableFileWrites}: the Parquet data and delete files written for the changes ({@link
 *       dev.ducklift.ducklake.write.ParquetFiles} runs DuckDB's {@code COPY}).
 *   <li>{@code ConflictRules}: {@code changes_made}, and which concurrent changes conflict.
 *   <li>{@code CommitLoop}: the optimistic commit attempts and their retries, reading with {@code
 *       AttemptReads} and writing the snapshot's catalog rows with {@code SnapshotRowWriter}.
 * </ul>
 */
package dev.ducklift.ducklake.write;
