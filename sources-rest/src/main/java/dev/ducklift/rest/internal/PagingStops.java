package dev.ducklift.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.rest.PageResponse;

/** Shared stop rules of the offset and page-number paginators. */
public final class PagingStops {
  private PagingStops() {}

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
      JsonNode total = JsonPath.compile(totalPath).first(response.body());
      if (total != null && total.canConvertToLong() && nextPosition >= total.asLong()) {
        return true;
      }
      if (total != null && total.isTextual()) {
        try {
          if (nextPosition >= Long.parseLong(total.asText().trim())) {
            return true;
          }
        } catch (NumberFormatException ignored) {
          // Not a number: this stop rule does not apply.
        }
      }
    }
    if (hasMorePath != null) {
      JsonNode more = JsonPath.compile(hasMorePath).first(response.body());
      if (more == null || !more.asBoolean(false)) {
        return true;
      }
    }
    return false;
  }
}
