package dev.ducklift.rest.internal;

import dev.ducklift.core.CursorValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** Reads a record's cursor as a {@link CursorValue} of a given kind, for early stops. */
public final class CursorReader {
  private CursorReader() {}

  /**
   * The cursor of {@code record} at {@code path} as {@code kind}, or {@code null} if unreadable.
   */
  public static CursorValue read(Map<String, Object> record, String path, CursorValue.Kind kind) {
    Object value = RecordPaths.get(record, path);
    if (value == null) {
      return null;
    }
    try {
      return switch (kind) {
        case INTEGER ->
            value instanceof Integer || value instanceof Long || value instanceof BigInteger
                ? CursorValue.of(((Number) value).longValue())
                : CursorValue.parse(kind, value.toString());
        case DECIMAL -> CursorValue.of(new BigDecimal(value.toString()));
        case TIMESTAMPTZ -> {
          if (value instanceof Number n) {
            yield CursorValue.of(Instant.ofEpochSecond(n.longValue()));
          }
          String text = value.toString().trim();
          try {
            yield CursorValue.of(OffsetDateTime.parse(text));
          } catch (java.time.format.DateTimeParseException e) {
            yield CursorValue.of(LocalDateTime.parse(text).atOffset(ZoneOffset.UTC));
          }
        }
        case TIMESTAMP -> CursorValue.of(LocalDateTime.parse(value.toString().trim()));
        case DATE -> CursorValue.of(LocalDate.parse(value.toString().trim().substring(0, 10)));
        case TEXT -> CursorValue.of(value.toString());
      };
    } catch (RuntimeException e) {
      return null;
    }
  }
}
