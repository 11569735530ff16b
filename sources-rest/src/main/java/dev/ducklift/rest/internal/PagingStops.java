package dev.ducklift.rest.internal;

import dev.ducklift.rest.PageResponse;

/** Shared stop rules of the offset and page-number paginators. */
public final class PagingStops {
  private PagingStops() {}

  /**
   * Whether a sequence ends after {@code response}: an empty page (when asked), the next position
   * reaching the total at {@code totalPath}, or a has-more flag that is not true.
   */
  public static boolean shouldStop(
      PageResponse response,
      String totalPath,
      long nextPosition,
      String hasMorePath,
      boolean stopAfterEmptyPage) {
    if (stopAfterEmptyPage && response.recordCount() == 0) {
      return true;
    }
    if (totalPath != null) {
      Long total = asLong(response.value(totalPath));
      if (total != null && nextPosition >= total) {
        return true;
      }
    }
    if (hasMorePath != null) {
      Object more = response.value(hasMorePath);
      if (!(Boolean.TRUE.equals(more) || "true".equalsIgnoreCase(String.valueOf(more)))) {
        return true;
      }
    }
    return false;
  }

  private static Long asLong(Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        // Not a number: this stop rule does not apply.
        return null;
      }
    }
    return null;
  }
}
