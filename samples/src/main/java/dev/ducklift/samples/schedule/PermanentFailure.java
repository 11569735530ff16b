package dev.ducklift.samples.schedule;

import dev.ducklift.core.DuckliftException;

/**
 * Thrown by a {@link Job} when retrying cannot help (for example a broken config): the scheduler
 * records the failure and waits for the next fire instead of retrying.
 */
public class PermanentFailure extends DuckliftException {
  private static final long serialVersionUID = 1L;

  public PermanentFailure(String message) {
    super(message);
  }

  public PermanentFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
