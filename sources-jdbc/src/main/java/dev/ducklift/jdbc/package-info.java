/**
 * Database sources over JDBC: {@link dev.ducklift.jdbc.JdbcSource} reads tables (by name or
 * pattern) or custom queries, incrementally, streaming in pages with bounded memory, with a
 * PostgreSQL {@code COPY} fast path and parallel range reads. Declared in Java or, through the
 * {@code sql_database} source factory, in YAML/JSON.
 */
package dev.ducklift.jdbc;
