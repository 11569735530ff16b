package dev.ducklift.jdbc.internal;

import java.util.Arrays;

/**
 * Incremental parser of PostgreSQL's {@code COPY ... TO STDOUT (FORMAT binary)} output: a header
 * (signature, flags, extension), then per row a 16-bit field count and, per field, a 32-bit length
 * ({@code -1} for NULL) and that many bytes of the type's binary form; a field count of {@code -1}
 * ends the data. Chunks may end anywhere; an incomplete row is carried to the next chunk. Hands
 * each row to a {@link CopyTextParser.BytesHandler}, the fields pointing into the chunk. Not
 * thread-safe.
 */
final class CopyBinaryParser {

  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
  };

  private final int columns;
  private final CopyTextParser.Fields fields;
  private byte[] carry = new byte[0];
  private int carryLength;
  private boolean header;
  private boolean ended;

  CopyBinaryParser(int columns) {
    this.columns = columns;
    this.fields = new CopyTextParser.Fields(columns);
  }

  /** Parses every complete row in {@code chunk} (after any carried bytes). */
  void feed(byte[] chunk, CopyTextParser.BytesHandler handler) {
    byte[] b = chunk;
    int length = chunk.length;
    if (carryLength > 0) {
      append(chunk, 0, chunk.length);
      b = carry;
      length = carryLength;
    }
    int at = parse(b, length, handler);
    if (b == carry) {
      System.arraycopy(carry, at, carry, 0, carryLength - at);
      carryLength -= at;
    } else if (at < length) {
      append(chunk, at, length);
    }
  }

  /** Whether the export ended inside the header or a row, or without its trailer. */
  boolean incomplete() {
    return carryLength > 0 || !ended;
  }

  /** Parses complete rows of b[0, length); returns where the unparsed rest starts. */
  private int parse(byte[] b, int length, CopyTextParser.BytesHandler handler) {
    int at = 0;
    if (!header) {
      if (length < SIGNATURE.length + 8) {
        return 0;
      }
      if (!Arrays.equals(b, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
        throw new IllegalArgumentException("COPY output does not start with the binary signature");
      }
      int extension = int32(b, SIGNATURE.length + 4);
      if (extension < 0) {
        throw new IllegalArgumentException("COPY header has a negative extension length");
      }
      if (length < SIGNATURE.length + 8 + extension) {
        return 0;
      }
      at = SIGNATURE.length + 8 + extension;
      header = true;
    }
    while (at + 2 <= length) {
      int count = (short) ((b[at] & 0xff) << 8 | (b[at + 1] & 0xff));
      if (count == -1) {
        ended = true;
        return length;
      }
      if (count != columns) {
        throw new IllegalArgumentException(
            "COPY row has " + count + " fields, expected " + columns);
      }
      int p = at + 2;
      for (int i = 0; i < columns; i++) {
        if (p + 4 > length) {
          return at;
        }
        int n = int32(b, p);
        p += 4;
        if (n < 0) {
          fields.buffers[i] = null;
          continue;
        }
        if (p + n > length) {
          return at;
        }
        fields.buffers[i] = b;
        fields.starts[i] = p;
        fields.ends[i] = p + n;
        p += n;
      }
      handler.row(fields);
      at = p;
    }
    return at;
  }

  private void append(byte[] b, int from, int to) {
    int n = to - from;
    if (carryLength + n > carry.length) {
      carry = Arrays.copyOf(carry, Math.max(carry.length * 2, carryLength + n));
    }
    System.arraycopy(b, from, carry, carryLength, n);
    carryLength += n;
  }

  static int int32(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  static long int64(byte[] b, int at) {
    return (long) int32(b, at) << 32 | (int32(b, at + 4) & 0xffffffffL);
  }
}
