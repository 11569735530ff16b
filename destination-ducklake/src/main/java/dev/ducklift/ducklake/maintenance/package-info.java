/**
 * Lake maintenance with the catalog effects of the official extension (SPEC-NOTES §8): expiring
 * snapshots, deleting files scheduled for deletion and merging small adjacent data files. Entry
 * point: {@link dev.ducklift.ducklake.maintenance.LakeMaintenance}.
 */
package dev.ducklift.ducklake.maintenance;
