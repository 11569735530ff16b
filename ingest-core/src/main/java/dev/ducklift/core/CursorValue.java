package dev.ducklift.core;

import dev.ducklift.core.spi.EpochValues;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A typed, exact cursor value (a watermark). Timestamps keep their offset and full precision;
 * values compare by their type's order, never as strings (except {@link Kind#TEXT}).
 *
 * <p>The text form ({@link #text()}) round-trips exactly through {@link #parse(Kind, String)}.
 */
public record CursorValue(Kind kind, Object value) implements Comparable<CursorValue> {

  /** The type of a cursor value. */
  public enum Kind {
    /** A whole number ({@link Long}). */
    INTEGER,
    /** An exact decimal ({@link BigDecimal}). */
    DECIMAL,
    /** An instant with its original offset ({@link OffsetDateTime}). */
    TIMESTAMPTZ,
    /** A wall-clock timestamp without zone ({@link LocalDateTime}). */
    TIMESTAMP,
    /** A calendar date ({@link LocalDate}). */
    DATE,
    /** Text compared lexicographically ({@link String}). */
    TEXT
  }

  public CursorValue {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
    Class<?> expected =
        switch (kind) {
          case INTEGER -> Long.class;
          case DECIMAL -> BigDecimal.class;
          case TIMESTAMPTZ -> OffsetDateTime.class;
          case TIMESTAMP -> LocalDateTime.class;
          case DATE -> LocalDate.class;
          case TEXT -> String.class;
        };
    if (!expected.isInstance(value)) {
      throw new IllegalArgumentException(
          "Cursor value of kind " + kind + " must be a " + expected.getSimpleName() + ": " + value);
    }
  }

  public static CursorValue of(long value) {
    return new CursorValue(Kind.INTEGER, value);
  }

  public static CursorValue of(BigDecimal value) {
    return new CursorValue(Kind.DECIMAL, value);
  }

  public static CursorValue of(OffsetDateTime value) {
    return new CursorValue(Kind.TIMESTAMPTZ, value);
  }

  public static CursorValue of(Instant value) {
    return new CursorValue(
        Kind.TIMESTAMPTZ,
        value.equals(Instant.MAX)
            ? OffsetDateTime.MAX
            : value.equals(Instant.MIN) ? OffsetDateTime.MIN : value.atOffset(ZoneOffset.UTC));
  }

  public static CursorValue of(LocalDateTime value) {
    return new CursorValue(Kind.TIMESTAMP, value);
  }

  public static CursorValue of(LocalDate value) {
    return new CursorValue(Kind.DATE, value);
  }

  public static CursorValue of(String value) {
    return new CursorValue(Kind.TEXT, value);
  }

  /**
   * The exact text form: ISO-8601 for temporal kinds ({@code infinity} and {@code -infinity} for
   * the largest and smallest, see {@link EpochValues}), plain digits for numbers.
   */
  public String text() {
    return switch (kind) {
      case DECIMAL -> ((BigDecimal) value).toPlainString();
      case TIMESTAMPTZ, TIMESTAMP, DATE -> {
        int infinity = EpochValues.infinity(value);
        yield infinity > 0 ? "infinity" : infinity < 0 ? "-infinity" : value.toString();
      }
      default -> value.toString();
    };
  }

  /** Whether this is the {@code infinity} (1) or {@code -infinity} (-1) of its kind, else 0. */
  public int infinity() {
    return switch (kind) {
      case TIMESTAMPTZ, TIMESTAMP, DATE -> EpochValues.infinity(value);
      default -> 0;
    };
  }

  /** Parses the text form of the given kind. */
  public static CursorValue parse(Kind kind, String text) {
    try {
      return switch (kind) {
        case INTEGER -> of(Long.parseLong(text.trim()));
        case DECIMAL -> of(new BigDecimal(text.trim()));
        case TIMESTAMPTZ ->
            of(infinity(text, OffsetDateTime.MAX, OffsetDateTime.MIN, OffsetDateTime::parse));
        case TIMESTAMP ->
            of(infinity(text, LocalDateTime.MAX, LocalDateTime.MIN, LocalDateTime::parse));
        case DATE -> of(infinity(text, LocalDate.MAX, LocalDate.MIN, LocalDate::parse));
        case TEXT -> of(text);
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new DuckliftException("Cannot parse '" + text + "' as a " + kind + " cursor value", e);
    }
  }

  private static <T> T infinity(
      String text, T max, T min, java.util.function.Function<String, T> parser) {
    String t = text.trim();
    return t.equals("infinity") ? max : t.equals("-infinity") ? min : parser.apply(t);
  }

  /**
   * Compares two values of the same kind; timestamps with offsets compare by instant, {@code
   * -infinity} before and {@code infinity} after every other value.
   */
  @Override
  public int compareTo(CursorValue other) {
    if (kind != other.kind) {
      throw new DuckliftException(
          "Cannot compare a " + kind + " cursor value with a " + other.kind + " cursor value");
    }
    int infinity = infinity();
    int otherInfinity = other.infinity();
    if (infinity != 0 || otherInfinity != 0) {
      return Integer.compare(infinity, otherInfinity);
    }
    return switch (kind) {
      case INTEGER -> Long.compare((Long) value, (Long) other.value);
      case DECIMAL -> ((BigDecimal) value).compareTo((BigDecimal) other.value);
      case TIMESTAMPTZ ->
          ((OffsetDateTime) value)
              .toInstant()
              .compareTo(((OffsetDateTime) other.value).toInstant());
      case TIMESTAMP -> ((LocalDateTime) value).compareTo((LocalDateTime) other.value);
      case DATE -> ((LocalDate) value).compareTo((LocalDate) other.value);
      case TEXT -> ((String) value).compareTo((String) other.value);
    };
  }

  @Override
  public String toString() {
    return kind + ":" + text();
  }
}
