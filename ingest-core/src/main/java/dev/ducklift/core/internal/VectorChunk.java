package dev.ducklift.core.internal;

import dev.ducklift.core.schema.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Rows laid out as the vectors of one DuckDB data chunk, but on the Java heap: fixed-width values
 * in DuckDB's in-memory form, validity bits, and each text column's UTF-8 bytes with their lengths.
 *
 * <p>One thread fills a chunk while another hands earlier chunks to DuckDB with {@link
 * VectorAppender#append(VectorChunk)}, which copies each column in one block. Not thread-safe: a
 * chunk belongs to one thread at a time.
 */
final class VectorChunk {

  final DataType.Kind[] kinds;
  final int capacity;

  /** Per fixed-width column: its values; {@code null} for text columns. */
  final ByteBuffer[] data;

  /** Per column: validity words (bit set = valid), all set until a null is written. */
  final long[][] validity;

  final boolean[] hasNulls;

  /** Per text column: the UTF-8 bytes of its strings, their total size and lengths (-1: null). */
  final byte[][] payloads;

  final int[] payloadSizes;
  final long[][] lengths;
  int rows;

  VectorChunk(DataType.Kind[] kinds, int capacity) {
    this.kinds = kinds.clone();
    this.capacity = capacity;
    int n = kinds.length;
    this.data = new ByteBuffer[n];
    this.validity = new long[n][];
    this.hasNulls = new boolean[n];
    this.payloads = new byte[n][];
    this.payloadSizes = new int[n];
    this.lengths = new long[n][];
    for (int c = 0; c < n; c++) {
      if (isText(kinds[c])) {
        payloads[c] = new byte[4096];
        lengths[c] = new long[capacity];
      } else {
        data[c] = ByteBuffer.allocate(capacity * width(kinds[c])).order(ByteOrder.nativeOrder());
        validity[c] = new long[(capacity + 63) / 64];
        Arrays.fill(validity[c], -1L);
      }
    }
  }

  static boolean isText(DataType.Kind kind) {
    return kind == DataType.Kind.TEXT || kind == DataType.Kind.JSON;
  }

  /** Bytes per value of a fixed-width kind, as DuckDB stores it. */
  static int width(DataType.Kind kind) {
    return switch (kind) {
      case BOOLEAN -> 1;
      case SMALLINT -> 2;
      case DATE, INTEGER, REAL -> 4;
      case UUID -> 16;
      default -> 8;
    };
  }

  boolean full() {
    return rows == capacity;
  }

  /**
   * Appends one row of canonical normalizer values of the column kinds; a row shorter than the
   * table has nulls in the missing columns.
   */
  void appendRow(Object[] values) {
    int r = rows;
    int width = Math.min(values.length, kinds.length);
    for (int c = 0; c < kinds.length; c++) {
      Object v = c < width ? values[c] : null;
      DataType.Kind kind = kinds[c];
      if (kind == DataType.Kind.TEXT || kind == DataType.Kind.JSON) {
        if (v == null) {
          lengths[c][r] = -1;
        } else {
          putString(c, r, (String) v);
        }
        continue;
      }
      ByteBuffer d = data[c];
      if (v == null) {
        validity[c][r >>> 6] &= ~(1L << (r & 63));
        hasNulls[c] = true;
        continue;
      }
      if (!putFixed(d, r, kind, v)) {
        throw new IllegalStateException("Unsupported column kind " + kind);
      }
    }
    rows = r + 1;
  }

  /**
   * Writes {@code v} at row {@code r} of the data buffer {@code d} of a fixed-width column of
   * {@code kind}, in DuckDB's vector layout; false for a kind that is not fixed-width.
   */
  static boolean putFixed(ByteBuffer d, int r, DataType.Kind kind, Object v) {
    switch (kind) {
      case BIGINT, TIMESTAMP, TIMESTAMPTZ -> d.putLong(r << 3, ((Number) v).longValue());
      case DOUBLE -> d.putDouble(r << 3, ((Number) v).doubleValue());
      case BOOLEAN -> d.put(r, ((Boolean) v) ? (byte) 1 : (byte) 0);
      case DATE, INTEGER -> d.putInt(r << 2, ((Number) v).intValue());
      case SMALLINT -> d.putShort(r << 1, ((Number) v).shortValue());
      case REAL -> d.putFloat(r << 2, ((Number) v).floatValue());
      case UUID -> {
        // DuckDB stores a UUID as a 128-bit integer (lower half first) with the top bit
        // flipped, so that UUIDs sort as their text does.
        UUID u = (UUID) v;
        d.putLong(r << 4, u.getLeastSignificantBits());
        d.putLong((r << 4) + 8, u.getMostSignificantBits() ^ Long.MIN_VALUE);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private void putString(int c, int r, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int pos = payloadSizes[c];
    byte[] payload = payloads[c];
    if (pos + bytes.length > payload.length) {
      payload = Arrays.copyOf(payload, Math.max(payload.length * 2, pos + bytes.length));
      payloads[c] = payload;
    }
    System.arraycopy(bytes, 0, payload, pos, bytes.length);
    payloadSizes[c] = pos + bytes.length;
    lengths[c][r] = bytes.length;
  }

  /** About the memory the chunk's rows take. */
  long bytes() {
    long total = 0;
    for (int c = 0; c < kinds.length; c++) {
      total += data[c] != null ? data[c].capacity() : payloadSizes[c] + 8L * capacity;
    }
    return total;
  }

  /** Empties the chunk for reuse. */
  void clear() {
    for (int c = 0; c < kinds.length; c++) {
      if (hasNulls[c]) {
        Arrays.fill(validity[c], -1L);
        hasNulls[c] = false;
      }
      payloadSizes[c] = 0;
    }
    rows = 0;
  }
}
