/**
 * The event-generator demo: an embedded PostgreSQL, an incremental JDBC pipeline in the Java DSL,
 * and a DuckLake with a DuckDB-file catalog, all under one directory.
 */
package dev.ducklift.samples.demo;
