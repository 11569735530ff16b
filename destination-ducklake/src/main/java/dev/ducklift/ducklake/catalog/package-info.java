/**
 * Where a DuckLake catalog lives and how to reach it: {@link
 * dev.ducklift.ducklake.catalog.CatalogLocation} (a DuckDB file or a PostgreSQL database) and
 * {@link dev.ducklift.ducklake.catalog.CatalogDatabase}, which opens JDBC connections to it,
 * creates the DuckLake 1.0 catalog tables and checks the format version of an existing catalog.
 */
package dev.ducklift.ducklake.catalog;
