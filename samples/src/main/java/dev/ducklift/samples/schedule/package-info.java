/**
 * Scheduled incremental loads: a {@link dev.ducklift.samples.schedule.Scheduler} that fires jobs
 * (pipeline runs, maintenance) on fixed-rate or cron schedules, never runs one job twice at once —
 * across processes too, through expiring leases — retries failures with backoff and keeps a run
 * history.
 */
package dev.ducklift.samples.schedule;
