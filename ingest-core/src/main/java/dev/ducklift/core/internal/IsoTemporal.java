package dev.ducklift.core.internal;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A fast, allocation-free recognizer for ISO-8601 dates and timestamps in strings: {@code
 * 2024-05-01}, {@code 2024-05-01T10:15[:30[.123456789]]} (or a space instead of {@code T}), with an
 * optional offset {@code Z}, {@code +02:00}, {@code +0200} or {@code +02}. Not thread-safe: one
 * instance per normalizer.
 */
public final class IsoTemporal {

  /** What the last {@link #parse} recognized. */
  public enum Kind {
    NONE,
    DATE,
    TIMESTAMP,
    TIMESTAMPTZ
  }

  private Kind kind = Kind.NONE;
  private int year;
  private int month;
  private int day;
  private int hour;
  private int minute;
  private int second;
  private int nanos;
  private int offsetSeconds;

  public Kind kind() {
    return kind;
  }

  /** Parses {@code s}; returns the kind recognized ({@link Kind#NONE} if not an ISO temporal). */
  public Kind parse(String s) {
    kind = Kind.NONE;
    int n = s.length();
    if (n < 10 || n > 40 || s.charAt(4) != '-' || s.charAt(7) != '-') {
      return kind;
    }
    int y = digits(s, 0, 4);
    int mo = digits(s, 5, 2);
    int d = digits(s, 8, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > lengthOfMonth(y, mo)) {
      return kind;
    }
    year = y;
    month = mo;
    day = d;
    hour = minute = second = nanos = offsetSeconds = 0;
    if (n == 10) {
      return kind = Kind.DATE;
    }
    char sep = s.charAt(10);
    if ((sep != 'T' && sep != 't' && sep != ' ') || n < 16 || s.charAt(13) != ':') {
      return kind;
    }
    int h = digits(s, 11, 2);
    int mi = digits(s, 14, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59) {
      return kind;
    }
    hour = h;
    minute = mi;
    int i = 16;
    if (i < n && s.charAt(i) == ':') {
      int sec = n >= i + 3 ? digits(s, i + 1, 2) : -1;
      if (sec < 0 || sec > 59) {
        return kind;
      }
      second = sec;
      i += 3;
      if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
        int start = ++i;
        int value = 0;
        while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
          value = value * 10 + (s.charAt(i) - '0');
          i++;
        }
        int count = i - start;
        if (count == 0 || (i < n && isDigit(s.charAt(i)))) {
          return kind;
        }
        for (int k = count; k < 9; k++) {
          value *= 10;
        }
        nanos = value;
      }
    }
    if (i == n) {
      return kind = Kind.TIMESTAMP;
    }
    char z = s.charAt(i);
    if ((z == 'Z' || z == 'z') && i + 1 == n) {
      return kind = Kind.TIMESTAMPTZ;
    }
    if (z != '+' && z != '-') {
      return kind;
    }
    int rest = n - i - 1;
    int oh;
    int om = 0;
    if (rest == 2) {
      oh = digits(s, i + 1, 2);
    } else if (rest == 4) {
      oh = digits(s, i + 1, 2);
      om = digits(s, i + 3, 2);
    } else if (rest == 5 && s.charAt(i + 3) == ':') {
      oh = digits(s, i + 1, 2);
      om = digits(s, i + 4, 2);
    } else {
      return kind;
    }
    if (oh < 0 || oh > 18 || om < 0 || om > 59) {
      return kind;
    }
    offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    return kind = Kind.TIMESTAMPTZ;
  }

  /** Days since 1970-01-01 of the parsed date. */
  public int epochDays() {
    return (int) daysFromCivil(year, month, day);
  }

  /**
   * Microseconds since the epoch: of the instant for {@link Kind#TIMESTAMPTZ}, of the wall clock
   * read as UTC for {@link Kind#TIMESTAMP}. Sub-microsecond digits are truncated (DuckDB keeps
   * microseconds).
   */
  public long epochMicros() {
    long seconds =
        daysFromCivil(year, month, day) * 86_400L
            + hour * 3600L
            + minute * 60L
            + second
            - offsetSeconds;
    return seconds * 1_000_000L + nanos / 1000;
  }

  public LocalDate toLocalDate() {
    return LocalDate.of(year, month, day);
  }

  public LocalDateTime toLocalDateTime() {
    return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
  }

  /** The parsed timestamp with its own offset and full (nanosecond) precision. */
  public OffsetDateTime toOffsetDateTime() {
    return OffsetDateTime.of(
        year, month, day, hour, minute, second, nanos, ZoneOffset.ofTotalSeconds(offsetSeconds));
  }

  /** Days from 1970-01-01 (proleptic Gregorian), after Howard Hinnant's civil-from-days method. */
  static long daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  private static int lengthOfMonth(int y, int m) {
    return switch (m) {
      case 2 -> (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
