package dev.ducklift.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ducklift.jdbc.spi.ValueReader;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Value readers shared by the dialects. */
final class Readers {
  private Readers() {}

  // Exact numbers: JSON decimals stay BigDecimal, never double.
  private static final ObjectReader JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .reader();

  /** Parses JSON text into a tree. */
  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  static final ValueReader INT =
      (rows, i) -> {
        int v = rows.getInt(i);
        return rows.wasNull() ? null : v;
      };

  static final ValueReader LONG =
      (rows, i) -> {
        long v = rows.getLong(i);
        return rows.wasNull() ? null : v;
      };

  static final ValueReader FLOAT =
      (rows, i) -> {
        float v = rows.getFloat(i);
        return rows.wasNull() ? null : v;
      };

  static final ValueReader DOUBLE =
      (rows, i) -> {
        double v = rows.getDouble(i);
        return rows.wasNull() ? null : v;
      };

  static final ValueReader BOOLEAN =
      (rows, i) -> {
        boolean v = rows.getBoolean(i);
        return rows.wasNull() ? null : v;
      };

  static final ValueReader STRING = (rows, i) -> rows.getString(i);

  static final ValueReader DECIMAL = (rows, i) -> rows.getBigDecimal(i);

  static final ValueReader BYTES = (rows, i) -> rows.getBytes(i);

  static final ValueReader DATE = (rows, i) -> rows.getObject(i, LocalDate.class);

  static final ValueReader TIME = (rows, i) -> rows.getObject(i, LocalTime.class);

  static final ValueReader TIMESTAMP = (rows, i) -> rows.getObject(i, LocalDateTime.class);

  /**
   * Timestamps with time zone keep their instant and are given in UTC; the infinities stay the
   * largest and smallest values (see {@link dev.ducklift.core.spi.EpochValues}).
   */
  static final ValueReader TIMESTAMPTZ =
      (rows, i) -> {
        OffsetDateTime v = rows.getObject(i, OffsetDateTime.class);
        return v == null
                || v.getOffset().equals(ZoneOffset.UTC)
                || v.equals(OffsetDateTime.MAX)
                || v.equals(OffsetDateTime.MIN)
            ? v
            : v.withOffsetSameInstant(ZoneOffset.UTC);
      };
}
