/**
 * Extension points of the JDBC source: a {@link dev.ducklift.jdbc.spi.JdbcDialect} per database,
 * its explicit {@link dev.ducklift.jdbc.spi.TypeMapping} table, and the readers and decoders that
 * turn database values into the Java values a {@link dev.ducklift.core.Page} may hold.
 */
package dev.ducklift.jdbc.spi;
