package dev.ducklift.samples.orchestrate;

import dev.ducklift.core.DuckliftException;

/**
 * A feature needs a part of Ducklift that this build does not include ({@link
 * Outcome#NOT_AVAILABLE}).
 */
public final class NotAvailableException extends DuckliftException {
  private static final long serialVersionUID = 1L;

  public NotAvailableException(String message) {
    super(message);
  }
}
