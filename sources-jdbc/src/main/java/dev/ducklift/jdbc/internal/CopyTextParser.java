package dev.ducklift.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental parser of PostgreSQL's {@code COPY ... TO STDOUT} text format: rows end with {@code
 * \n}, fields are separated by tabs, {@code \N} is NULL, and backslash escapes ({@code \t}, {@code
 * \n}, {@code \\}, octal {@code \123}, hex {@code \x1f}, ...) are decoded at the byte level before
 * the field is read as UTF-8. Chunks may end anywhere; a partial row is carried to the next chunk.
 * Not thread-safe.
 */
final class CopyTextParser {

  /** Receives each row's fields ({@code null} for NULL); the array is reused between rows. */
  @FunctionalInterface
  interface RowHandler {
    void row(String[] fields);
  }

  /** Receives each row's fields as UTF-8 bytes, valid only during the call. */
  @FunctionalInterface
  interface BytesHandler {
    void row(Fields fields);
  }

  /**
   * The current row's fields as byte ranges, escapes already decoded: field {@code i} is {@code
   * bytes(i)[start(i), end(i))}, or NULL.
   */
  static final class Fields {
    final byte[][] buffers;
    final int[] starts;
    final int[] ends;
    private final byte[][] scratches;

    Fields(int columns) {
      buffers = new byte[columns][];
      starts = new int[columns];
      ends = new int[columns];
      scratches = new byte[columns][];
    }

    boolean isNull(int i) {
      return buffers[i] == null;
    }

    byte[] bytes(int i) {
      return buffers[i];
    }

    int start(int i) {
      return starts[i];
    }

    int end(int i) {
      return ends[i];
    }

    /** The field as a string, {@code null} for NULL. */
    String string(int i) {
      byte[] b = buffers[i];
      return b == null
          ? null
          : new String(b, starts[i], ends[i] - starts[i], StandardCharsets.UTF_8);
    }
  }

  private final String[] strings;
  private final Fields fields;
  private byte[] carry = new byte[0];
  private int carryLength;

  private RowHandler stringHandler;
  private BytesHandler stringAdapter;

  CopyTextParser(int columns) {
    this.strings = new String[columns];
    this.fields = new Fields(columns);
  }

  /** Parses every complete row in {@code chunk} (after any carried partial row). */
  void feed(byte[] chunk, RowHandler handler) {
    if (handler != stringHandler) {
      stringHandler = handler;
      stringAdapter =
          f -> {
            for (int i = 0; i < strings.length; i++) {
              strings[i] = f.string(i);
            }
            handler.row(strings);
          };
    }
    feedBytes(chunk, stringAdapter);
  }

  /**
   * Parses every complete row in {@code chunk} (after any carried partial row), handing each row's
   * fields over as bytes.
   */
  void feedBytes(byte[] chunk, BytesHandler handler) {
    int start = 0;
    if (carryLength > 0) {
      int newline = indexOf(chunk, 0, chunk.length);
      if (newline < 0) {
        append(chunk, 0, chunk.length);
        return;
      }
      append(chunk, 0, newline + 1);
      parseRow(carry, 0, carryLength - 1, handler);
      carryLength = 0;
      start = newline + 1;
    }
    while (start < chunk.length) {
      int newline = indexOf(chunk, start, chunk.length);
      if (newline < 0) {
        append(chunk, start, chunk.length);
        return;
      }
      parseRow(chunk, start, newline, handler);
      start = newline + 1;
    }
  }

  /** Whether a partial row is pending (the export ended in the middle of a row). */
  boolean pending() {
    return carryLength > 0;
  }

  private void append(byte[] b, int from, int to) {
    int n = to - from;
    if (carryLength + n > carry.length) {
      carry = Arrays.copyOf(carry, Math.max(carry.length * 2, carryLength + n));
    }
    System.arraycopy(b, from, carry, carryLength, n);
    carryLength += n;
  }

  private static int indexOf(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void parseRow(byte[] b, int from, int to, BytesHandler handler) {
    int columns = strings.length;
    int field = 0;
    int start = from;
    boolean escaped = false;
    for (int i = from; i <= to; i++) {
      if (i == to || b[i] == '\t') {
        if (field >= columns) {
          throw new IllegalArgumentException(
              "COPY row has more than the " + columns + " expected fields");
        }
        value(field++, b, start, i, escaped);
        start = i + 1;
        escaped = false;
      } else if (b[i] == '\\') {
        escaped = true;
        i++; // the escaped byte cannot be a separator
      }
    }
    if (field != columns) {
      throw new IllegalArgumentException("COPY row has " + field + " fields, expected " + columns);
    }
    handler.row(fields);
  }

  /** Sets field {@code field} to b[from, to), decoding escapes into the field's own scratch. */
  private void value(int field, byte[] b, int from, int to, boolean escaped) {
    Fields f = fields;
    if (!escaped) {
      f.buffers[field] = b;
      f.starts[field] = from;
      f.ends[field] = to;
      return;
    }
    if (to - from == 2 && b[from] == '\\' && b[from + 1] == 'N') {
      f.buffers[field] = null;
      return;
    }
    byte[] scratch = f.scratches[field];
    if (scratch == null || scratch.length < to - from) {
      scratch = new byte[Math.max(scratch == null ? 64 : scratch.length * 2, to - from)];
      f.scratches[field] = scratch;
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c != '\\' || i + 1 >= to) {
        scratch[n++] = c;
        continue;
      }
      byte e = b[++i];
      switch (e) {
        case 'b' -> scratch[n++] = '\b';
        case 'f' -> scratch[n++] = '\f';
        case 'n' -> scratch[n++] = '\n';
        case 'r' -> scratch[n++] = '\r';
        case 't' -> scratch[n++] = '\t';
        case 'v' -> scratch[n++] = 0x0b;
        case 'x' -> {
          int v = 0;
          int digits = 0;
          while (digits < 2 && i + 1 < to && hex(b[i + 1]) >= 0) {
            v = v * 16 + hex(b[++i]);
            digits++;
          }
          if (digits == 0) {
            scratch[n++] = 'x';
          } else {
            scratch[n++] = (byte) v;
          }
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            int digits = 1;
            while (digits < 3 && i + 1 < to && b[i + 1] >= '0' && b[i + 1] <= '7') {
              v = v * 8 + (b[++i] - '0');
              digits++;
            }
            scratch[n++] = (byte) v;
          } else {
            scratch[n++] = e;
          }
        }
      }
    }
    f.buffers[field] = scratch;
    f.starts[field] = 0;
    f.ends[field] = n;
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
