package dev.ducklift.rest.internal;

import java.io.IOException;

/**
 * A request failed only because its pooled connection was already closed by the server (or was
 * closed unused for having been idle too long): it may be sent again at once on a new connection,
 * and it does not count as an attempt.
 */
final class StaleConnectionException extends IOException {
  private static final long serialVersionUID = 1L;

  StaleConnectionException(String message, IOException cause) {
    super(message, cause);
  }
}
