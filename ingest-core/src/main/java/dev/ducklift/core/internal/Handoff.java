package dev.ducklift.core.internal;

import dev.ducklift.core.DuckliftException;

/**
 * What the runtime's producer/consumer thread pairs share: rethrowing and uninterruptible joins.
 */
final class Handoff {

  private Handoff() {}

  /** Throws {@code failure} (recorded by the other thread) unchecked; does nothing when null. */
  static void rethrow(Throwable failure) {
    if (failure == null) {
      return;
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    throw new DuckliftException(failure.getMessage(), failure);
  }

  /**
   * Waits for {@code thread} to end even if interrupted meanwhile (its work must not be left
   * half-done), then restores the interrupt.
   */
  static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
