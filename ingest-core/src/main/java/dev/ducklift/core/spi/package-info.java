/**
 * Extension points: destinations ({@link dev.ducklift.core.spi.Destination}), source and
 * destination factories for declarative config, the staged-load handover and crash points.
 */
package dev.ducklift.core.spi;
