/**
 * The promote stage: {@link dev.ducklift.ducklake.promote.DuckLakeDestination} implements the
 * pipeline runtime's {@link dev.ducklift.core.spi.Destination} on a DuckLake, writing each staged
 * load (rows, state, load record) as one snapshot, with append, insert-new, merge and replace.
 */
package dev.ducklift.ducklake.promote;
