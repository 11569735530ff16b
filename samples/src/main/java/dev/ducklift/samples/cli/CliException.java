package dev.ducklift.samples.cli;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.samples.orchestrate.Outcome;

/** A command failure with the exit code it maps to; its message is shown to the user as is. */
final class CliException extends DuckliftException {
  private static final long serialVersionUID = 1L;

  private final transient Outcome outcome;

  CliException(Outcome outcome, String message) {
    super(message);
    this.outcome = outcome;
  }

  CliException(Outcome outcome, String message, Throwable cause) {
    super(message, cause);
    this.outcome = outcome;
  }

  Outcome outcome() {
    return outcome;
  }
}
