package dev.ducklift.samples.schedule;

import java.time.Duration;
import java.util.Optional;

/**
 * Named, expiring leases shared by every process that uses the same store, so that at most one
 * process runs a given job at a time. A holder that dies stops renewing and its lease lapses after
 * its time to live; nothing has to clean up after it.
 *
 * <p>Implementations are thread-safe and safe across processes.
 */
public interface LeaseStore {

  /**
   * Takes the lease if it is free, lapsed, or already held by {@code owner} (then it is extended).
   *
   * @return whether {@code owner} now holds the lease for {@code ttl}
   */
  boolean tryAcquire(String name, String owner, Duration ttl);

  /**
   * Extends a lease {@code owner} holds.
   *
   * @return false when {@code owner} no longer holds it (it lapsed and was taken)
   */
  boolean renew(String name, String owner, Duration ttl);

  /** Gives the lease up if {@code owner} holds it; otherwise does nothing. */
  void release(String name, String owner);

  /** The current holder, if the lease is held and not lapsed. */
  Optional<Lease> current(String name);
}
