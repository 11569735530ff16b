/**
 * The Ducklift API: pipelines ({@link dev.ducklift.core.Pipeline}, {@link
 * dev.ducklift.core.PipelineConfig}), resources and sources, incremental cursors, run results,
 * listeners and secrets. Extension points for sources and destinations live in {@code spi}; {@code
 * internal} is not API.
 */
package dev.ducklift.core;
