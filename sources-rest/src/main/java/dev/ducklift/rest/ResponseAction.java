package dev.ducklift.rest;

import dev.ducklift.core.DuckliftException;
import java.util.Locale;

/**
 * What to do with a response matching a status code and/or a body substring, checked before the
 * default handling (retry 429/5xx, fail other errors, parse 2xx).
 *
 * @param statusCode the status to match, or {@code null} for any
 * @param contentContains a substring of the body to match, or {@code null} for any
 * @param action what to do with a matching response
 */
public record ResponseAction(Integer statusCode, String contentContains, Action action) {

  /** The handling of a matching response. */
  public enum Action {
    /** Skip the response: no records, and its request sequence ends (no further pages). */
    IGNORE,
    /** Treat the response as a page without records. */
    EMPTY,
    /** Fail the resource, naming the URL and the page. */
    FAIL;

    public static Action fromConfigName(String name) {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
  }

  public ResponseAction {
    if (statusCode == null && contentContains == null) {
      throw new DuckliftException("A response action needs a status code or a content match");
    }
    if (action == null) {
      throw new DuckliftException("A response action needs an action");
    }
  }

  public static ResponseAction onStatus(int status, Action action) {
    return new ResponseAction(status, null, action);
  }

  public static ResponseAction onContent(String substring, Action action) {
    return new ResponseAction(null, substring, action);
  }

  /** Whether this action applies to a response with {@code status} and {@code body}. */
  public boolean matches(int status, String body) {
    return (statusCode == null || statusCode == status)
        && (contentContains == null || (body != null && body.contains(contentContains)));
  }
}
