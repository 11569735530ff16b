/**
 * The DuckLake API: open or create a lake ({@link dev.ducklift.ducklake.DuckLake}), build a {@link
 * dev.ducklift.ducklake.Transaction} of catalog changes, appends and deletes, and commit it as one
 * snapshot. Commits are optimistic; failures are a retryable {@link
 * dev.ducklift.ducklake.CommitConflictException}, a {@link
 * dev.ducklift.ducklake.LogicalConflictException} (never retried) or a {@link
 * dev.ducklift.ducklake.CommitStateUnknownException}.
 */
package dev.ducklift.ducklake;
