/**
 * Orchestrator embedding: {@link dev.ducklift.samples.orchestrate.AssetRunner} runs a pipeline as
 * an asset and returns a structured {@link dev.ducklift.samples.orchestrate.AssetResult}; {@link
 * dev.ducklift.samples.orchestrate.DagsterPipes} speaks the Dagster Pipes protocol; {@link
 * dev.ducklift.samples.orchestrate.Outcome} maps results to exit codes.
 */
package dev.ducklift.samples.orchestrate;
