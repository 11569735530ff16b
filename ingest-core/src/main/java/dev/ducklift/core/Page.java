package dev.ducklift.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One page of records yielded by a resource.
 *
 * <p>A record is a JSON-like tree: a {@code Map<String, Object>} whose values are {@code null},
 * {@link String}, {@link Boolean}, {@link Integer}, {@link Long}, {@link java.math.BigInteger},
 * {@link Float}, {@link Double}, {@link java.math.BigDecimal}, {@link java.time.Instant}, {@link
 * java.time.OffsetDateTime}, {@link java.time.ZonedDateTime}, {@link java.time.LocalDateTime},
 * {@link java.time.LocalDate}, {@link java.time.LocalTime}, {@link java.util.UUID}, {@code byte[]},
 * {@link java.time.Duration}, nested {@code Map<String, ?>} or {@link List}, or a Jackson {@code
 * JsonNode}. Anything else is a bad record.
 *
 * @param records the records, in source order; the list is not copied, do not mutate it after
 *     handing the page over
 * @param description where the page came from, for errors and progress (a URL with secrets removed
 *     and a page number, a query and a chunk number); never contains secrets
 * @param stateKey the key under which the cursor of these records is tracked: {@code ""} for the
 *     resource's single watermark, or a parent key (for example a parent record's id) when a
 *     resource keeps one watermark per parent
 * @param positions watermarks the resource sets itself, by state key, committed together with this
 *     page exactly like the maximum the runtime tracks under {@code stateKey} (and readable in the
 *     next run through {@link ExtractContext#lastValue(String)}); for a composite cursor, such as a
 *     timestamp plus the id that breaks ties between equal timestamps, the resource reports the
 *     tiebreak here. Must not name {@code stateKey}. Empty for most resources
 */
public record Page(
    List<Map<String, Object>> records,
    String description,
    String stateKey,
    Map<String, CursorValue> positions) {
  public Page {
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(stateKey, "stateKey");
    positions = positions == null ? Map.of() : Map.copyOf(positions);
    if (positions.containsKey(stateKey)) {
      throw new IllegalArgumentException(
          "Page positions must not name the page's own state key '" + stateKey + "'");
    }
  }

  public Page(List<Map<String, Object>> records, String description, String stateKey) {
    this(records, description, stateKey, Map.of());
  }

  public Page(List<Map<String, Object>> records, String description) {
    this(records, description, "", Map.of());
  }

  public int size() {
    return records.size();
  }
}
