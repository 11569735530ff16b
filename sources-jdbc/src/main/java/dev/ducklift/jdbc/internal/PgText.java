package dev.ducklift.jdbc.internal;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.jdbc.spi.TextDecoder;
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

  /** The decoder of types whose text is the value itself (text, varchar, enums, ...). */
  static final TextDecoder AS_IS = s -> s;

  /** Hex digit values of the ASCII bytes, -1 for any other byte. */
  private static final byte[] HEX = new byte[256];

  static {
    java.util.Arrays.fill(HEX, (byte) -1);
    for (int i = 0; i < 10; i++) {
      HEX['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      HEX['a' + i] = (byte) (10 + i);
      HEX['A' + i] = (byte) (10 + i);
    }
  }

  /**
   * The uuid in {@code b[from, to)} in PostgreSQL's output form ({@code 8-4-4-4-12} hex digits), or
   * {@code null} for any other text.
   */
  static java.util.UUID uuid(byte[] b, int from, int to) {
    if (to - from != 36
        || b[from + 8] != '-'
        || b[from + 13] != '-'
        || b[from + 18] != '-'
        || b[from + 23] != '-') {
      return null;
    }
    long high = 0;
    long low = 0;
    int digits = 0;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '-') {
        continue;
      }
      int v = HEX[c & 0xff];
      if (v < 0) {
        return null;
      }
      if (digits++ < 16) {
        high = high << 4 | v;
      } else {
        low = low << 4 | v;
      }
    }
    return new java.util.UUID(high, low);
  }

  /**
   * The ASCII bytes of a field seen as characters, for the parsers here that take a {@link
   * CharSequence}; bytes above 127 become characters no parser accepts. Reused: not thread-safe.
   */
  static final class AsciiView implements CharSequence {
    private byte[] bytes;
    private int from;
    private int length;

    AsciiView of(byte[] b, int start, int end) {
      bytes = b;
      from = start;
      length = end - start;
      return this;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public char charAt(int index) {
      return (char) (bytes[from + index] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return toString().substring(start, end);
    }

    @Override
    public String toString() {
      return new String(bytes, from, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

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

  /**
   * The epoch microseconds of a timestamptz in the common form {@code YYYY-MM-DD
   * HH:MM:SS[.ffffff]+00}, without building objects; {@link Long#MIN_VALUE} for any other form
   * (other offsets, BC, infinities), which {@link #timestamptz} handles.
   */
  static long timestamptzMicros(CharSequence s) {
    int n = s.length();
    if (n < 22
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != ' '
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(n - 3) != '+'
        || s.charAt(n - 2) != '0'
        || s.charAt(n - 1) != '0') {
      return Long.MIN_VALUE;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int end = n - 3;
    long fraction = 0;
    if (end > 19) {
      if (s.charAt(19) != '.' || end - 20 > 6 || end == 20) {
        return Long.MIN_VALUE;
      }
      int f = digits(s, 20, end);
      if (f < 0) {
        return Long.MIN_VALUE;
      }
      fraction = f;
      for (int k = end - 20; k < 6; k++) {
        fraction *= 10;
      }
    }
    if ((year | month | day | hour | minute | second) < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour > 23
        || minute > 59
        || second > 59) {
      return Long.MIN_VALUE;
    }
    long days = epochDay(year, month, day);
    return ((days * 24 + hour) * 60 + minute) * 60_000_000L + second * 1_000_000L + fraction;
  }

  /** Decimal digits of s[from, to) as an int, or -1 when one is not a digit. */
  private static int digits(CharSequence s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (as {@link LocalDate#toEpochDay}). */
  private static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
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
