package dev.ducklift.core.spi;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Dates, times and timestamps as DuckDB stores them (days or microseconds from 1970-01-01, and
 * microseconds from midnight), with the values {@code java.time} cannot hold directly.
 *
 * <p>The infinities are the largest and smallest {@code java.time} values, as JDBC drivers return
 * them for PostgreSQL's {@code infinity} and {@code -infinity}: {@link LocalDate#MAX}/{@link
 * LocalDate#MIN}, {@link LocalDateTime#MAX}/{@link LocalDateTime#MIN} and {@link
 * OffsetDateTime#MAX}/{@link OffsetDateTime#MIN} (and {@link Instant#MAX}/{@link Instant#MIN}).
 * They become DuckDB's {@code infinity} and {@code -infinity}: {@link #INFINITE_MICROS}, {@link
 * #INFINITE_DAYS} and their negations. The end of a day, {@code 24:00:00}, is {@link LocalTime#MAX}
 * (again as drivers return it), which DuckDB keeps as {@link #END_OF_DAY_MICROS}. Every other value
 * converts exactly, failing when it does not fit.
 *
 * <p>Stateless and thread-safe.
 */
public final class EpochValues {
  private EpochValues() {}

  /** DuckDB's {@code infinity} timestamp; {@code -INFINITE_MICROS} is {@code -infinity}. */
  public static final long INFINITE_MICROS = Long.MAX_VALUE;

  /** DuckDB's {@code infinity} date; {@code -INFINITE_DAYS} is {@code -infinity}. */
  public static final int INFINITE_DAYS = Integer.MAX_VALUE;

  /** The time {@code 24:00:00} in microseconds from midnight. */
  public static final long END_OF_DAY_MICROS = 86_400_000_000L;

  /** Microseconds from the epoch of the instant; the infinities for the largest and smallest. */
  public static long epochMicros(OffsetDateTime t) {
    if (t.equals(OffsetDateTime.MAX)) {
      return INFINITE_MICROS;
    }
    if (t.equals(OffsetDateTime.MIN)) {
      return -INFINITE_MICROS;
    }
    return micros(t.toEpochSecond(), t.getNano());
  }

  /** Microseconds from the epoch of the instant; the infinities for the largest and smallest. */
  public static long epochMicros(Instant t) {
    if (t.equals(Instant.MAX)) {
      return INFINITE_MICROS;
    }
    if (t.equals(Instant.MIN)) {
      return -INFINITE_MICROS;
    }
    return micros(t.getEpochSecond(), t.getNano());
  }

  /**
   * Microseconds from the epoch of the wall-clock time read as UTC; the infinities for the largest
   * and smallest.
   */
  public static long epochMicros(LocalDateTime t) {
    if (t.equals(LocalDateTime.MAX)) {
      return INFINITE_MICROS;
    }
    if (t.equals(LocalDateTime.MIN)) {
      return -INFINITE_MICROS;
    }
    return micros(t.toEpochSecond(ZoneOffset.UTC), t.getNano());
  }

  /** Days from the epoch; the infinities for the largest and smallest date. */
  public static int epochDays(LocalDate d) {
    if (d.equals(LocalDate.MAX)) {
      return INFINITE_DAYS;
    }
    if (d.equals(LocalDate.MIN)) {
      return -INFINITE_DAYS;
    }
    return Math.toIntExact(d.toEpochDay());
  }

  /** Microseconds from midnight; {@link #END_OF_DAY_MICROS} for {@link LocalTime#MAX}. */
  public static long dayMicros(LocalTime t) {
    return t.equals(LocalTime.MAX) ? END_OF_DAY_MICROS : t.toNanoOfDay() / 1000;
  }

  /** The instant (in UTC) of epoch microseconds; the largest and smallest for the infinities. */
  public static OffsetDateTime offsetDateTime(long micros) {
    if (micros == INFINITE_MICROS) {
      return OffsetDateTime.MAX;
    }
    if (micros == -INFINITE_MICROS) {
      return OffsetDateTime.MIN;
    }
    return OffsetDateTime.ofInstant(
        Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), nanos(micros)), ZoneOffset.UTC);
  }

  /** The wall-clock time of epoch microseconds; the largest and smallest for the infinities. */
  public static LocalDateTime localDateTime(long micros) {
    if (micros == INFINITE_MICROS) {
      return LocalDateTime.MAX;
    }
    if (micros == -INFINITE_MICROS) {
      return LocalDateTime.MIN;
    }
    return LocalDateTime.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), nanos(micros), ZoneOffset.UTC);
  }

  /** The date of epoch days; the largest and smallest for the infinities. */
  public static LocalDate localDate(long days) {
    if (days == INFINITE_DAYS) {
      return LocalDate.MAX;
    }
    if (days == -INFINITE_DAYS) {
      return LocalDate.MIN;
    }
    return LocalDate.ofEpochDay(days);
  }

  /**
   * {@code 1} for a value standing for {@code infinity}, {@code -1} for {@code -infinity}, else
   * {@code 0} (any other object included).
   */
  public static int infinity(Object value) {
    if (value.equals(LocalDate.MAX)
        || value.equals(LocalDateTime.MAX)
        || value.equals(OffsetDateTime.MAX)
        || value.equals(Instant.MAX)) {
      return 1;
    }
    if (value.equals(LocalDate.MIN)
        || value.equals(LocalDateTime.MIN)
        || value.equals(OffsetDateTime.MIN)
        || value.equals(Instant.MIN)) {
      return -1;
    }
    return 0;
  }

  private static long micros(long seconds, int nanos) {
    return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
  }

  private static int nanos(long micros) {
    return (int) Math.floorMod(micros, 1_000_000L) * 1000;
  }
}
