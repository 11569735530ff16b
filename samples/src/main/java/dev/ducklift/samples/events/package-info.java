/**
 * The demo's data source: a generator of realistic application events written to PostgreSQL, and an
 * embedded PostgreSQL server that needs nothing installed.
 */
package dev.ducklift.samples.events;
