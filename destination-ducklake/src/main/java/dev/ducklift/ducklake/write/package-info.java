/**
 * The write side of the DuckLake implementation: the working catalog of a transaction, Parquet data
 * and delete files written with DuckDB's {@code COPY}, statistics, and the optimistic commit loop.
 * Used through {@link dev.ducklift.ducklake.Transaction}; not API.
 */
package dev.ducklift.ducklake.write;
