/**
 * Implementation of the JDBC source: dialects, reflection, query planning, the plain and {@code
 * COPY} readers, range splitting and the {@code sql_database} factory. Not API: anything here may
 * change without notice.
 */
package dev.ducklift.jdbc.internal;
