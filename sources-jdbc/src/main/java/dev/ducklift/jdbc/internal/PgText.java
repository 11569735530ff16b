package dev.ducklift.jdbc.internal;

import dev.ducklift.core.DuckliftException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Parsers for PostgreSQL's text output (DateStyle ISO, IntervalStyle iso_8601, TimeZone UTC,
 * bytea_output hex), producing exactly what pgjdbc's typed getters return for the same values,
 * including the infinities and BC dates.
 */
final class PgText {
  private PgText() {}

  static LocalDate date(String s) {
    if (s.equals("infinity")) {
      return LocalDate.MAX;
    }
    if (s.equals("-infinity")) {
      return LocalDate.MIN;
    }
    boolean bc = s.endsWith(" BC");
    String body = bc ? s.substring(0, s.length() - 3) : s;
    int d1 = body.indexOf('-');
    int year = Integer.parseInt(body, 0, d1, 10);
    int month = Integer.parseInt(body, d1 + 1, d1 + 3, 10);
    int day = Integer.parseInt(body, d1 + 4, d1 + 6, 10);
    return LocalDate.of(bc ? 1 - year : year, month, day);
  }

  static LocalTime time(String s) {
    if (s.startsWith("24:00:00")) {
      return LocalTime.MAX;
    }
    return LocalTime.of(
        Integer.parseInt(s, 0, 2, 10),
        Integer.parseInt(s, 3, 5, 10),
        Integer.parseInt(s, 6, 8, 10),
        s.length() > 8 ? fractionNanos(s, 9, s.length()) : 0);
  }

  static LocalDateTime timestamp(String s) {
    if (s.equals("infinity")) {
      return LocalDateTime.MAX;
    }
    if (s.equals("-infinity")) {
      return LocalDateTime.MIN;
    }
    boolean bc = s.endsWith(" BC");
    String body = bc ? s.substring(0, s.length() - 3) : s;
    int space = body.indexOf(' ');
    LocalDate date = date(body.substring(0, space));
    if (bc) {
      date = date.withYear(1 - date.getYear());
    }
    return LocalDateTime.of(date, time(body.substring(space + 1)));
  }

  static OffsetDateTime timestamptz(String s) {
    if (s.equals("infinity")) {
      return OffsetDateTime.MAX;
    }
    if (s.equals("-infinity")) {
      return OffsetDateTime.MIN;
    }
    boolean bc = s.endsWith(" BC");
    String body = bc ? s.substring(0, s.length() - 3) : s;
    int space = body.indexOf(' ');
    int sign = Math.max(body.lastIndexOf('+'), body.lastIndexOf('-'));
    if (sign < space) {
      throw new IllegalArgumentException("No UTC offset in timestamptz '" + s + "'");
    }
    LocalDate date = date(body.substring(0, space));
    if (bc) {
      date = date.withYear(1 - date.getYear());
    }
    LocalTime time = time(body.substring(space + 1, sign));
    ZoneOffset offset = offset(body.substring(sign));
    return OffsetDateTime.of(date, time, offset).withOffsetSameInstant(ZoneOffset.UTC);
  }

  private static ZoneOffset offset(String s) {
    if (s.equals("+00")) {
      return ZoneOffset.UTC;
    }
    int sign = s.charAt(0) == '-' ? -1 : 1;
    int h = Integer.parseInt(s, 1, 3, 10);
    int m = s.length() >= 6 ? Integer.parseInt(s, 4, 6, 10) : 0;
    int sec = s.length() >= 9 ? Integer.parseInt(s, 7, 9, 10) : 0;
    return ZoneOffset.ofHoursMinutesSeconds(sign * h, sign * m, sign * sec);
  }

  private static int fractionNanos(String s, int from, int to) {
    int nanos = 0;
    int digits = 0;
    for (int i = from; i < to && digits < 9; i++, digits++) {
      nanos = nanos * 10 + (s.charAt(i) - '0');
    }
    for (; digits < 9; digits++) {
      nanos *= 10;
    }
    return nanos;
  }

  /** Decodes bytea's hex output ({@code \x0a0b}). */
  static byte[] bytea(String s) {
    if (!s.startsWith("\\x")) {
      throw new IllegalArgumentException("bytea value is not in hex output format");
    }
    return HexFormat.of().parseHex(s, 2, s.length());
  }

  /**
   * Splits an array literal ({@code {1,2,NULL}}, {@code {"a b","c\"d"}}) into its element texts
   * ({@code null} for NULL). Multi-dimensional arrays are rejected: a column is declared as a list
   * of scalars.
   */
  static List<String> arrayElements(String literal) {
    String s = literal;
    if (s.startsWith("[")) {
      s = s.substring(s.indexOf('=') + 1);
    }
    if (s.length() < 2 || s.charAt(0) != '{' || s.charAt(s.length() - 1) != '}') {
      throw new IllegalArgumentException("Not an array literal");
    }
    List<String> out = new ArrayList<>();
    int end = s.length() - 1;
    int i = 1;
    if (i == end) {
      return out;
    }
    StringBuilder b = new StringBuilder();
    while (i <= end) {
      char c = s.charAt(i);
      if (c == '{') {
        throw new DuckliftException(
            "Multi-dimensional arrays are not supported; select a one-dimensional array or cast"
                + " it to text in a custom query");
      }
      if (c == '"') {
        b.setLength(0);
        i++;
        while (true) {
          char q = s.charAt(i);
          if (q == '\\') {
            b.append(s.charAt(i + 1));
            i += 2;
          } else if (q == '"') {
            i++;
            break;
          } else {
            b.append(q);
            i++;
          }
        }
        out.add(b.toString());
      } else {
        int start = i;
        while (i < end && s.charAt(i) != ',') {
          i++;
        }
        String raw = s.substring(start, i).strip();
        out.add(raw.equals("NULL") ? null : raw);
      }
      // now at ',' or the closing brace
      i++;
    }
    return out;
  }
}
