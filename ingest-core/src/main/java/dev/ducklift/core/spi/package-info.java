/**
 * Extension points: destinations ({@link dev.ducklift.core.spi.Destination}), source and
 * destination factories for declarative config, the staged-load handover, crash points, and
 * resources with a declared schema that stage column-typed rows ({@link
 * dev.ducklift.core.spi.TypedResource}).
 */
package dev.ducklift.core.spi;
