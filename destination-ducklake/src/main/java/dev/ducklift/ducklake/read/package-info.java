/**
 * Reading DuckLake 1.0 lakes without the DuckDB {@code ducklake} extension.
 *
 * <p>{@link dev.ducklift.ducklake.read.LakeReader} reads the catalog through any JDBC connection (a
 * DuckDB file or PostgreSQL), resolves snapshots, lists schemas, tables, columns, live data and
 * delete files and inlined rows, and exposes the tables of a snapshot to SQL in an in-process
 * DuckDB through a {@link dev.ducklift.ducklake.read.LakeSession}.
 */
package dev.ducklift.ducklake.read;
