/** Normalized table schemas: tables, columns and column types. */
package dev.ducklift.core.schema;
