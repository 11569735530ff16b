package dev.ducklift.core.internal;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.ResourceSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * An order-independent digest of the row ids whose cursor lies in the window a next run re-reads:
 * {@code [max - lag, max]} for a {@code max} cursor ({@code [max, max]} without a lag, the rows
 * tied at the watermark). A load stores it with its watermarks under {@link #KEY}; a run that
 * re-reads that window and finds the same digest, and nothing above the watermark, has nothing to
 * load.
 *
 * <p>Rows are expected in cursor order; anything else (rows out of order, another state key, a
 * window of more than {@link #CAPACITY} rows, a discarded page) invalidates the digest, which only
 * means the next run takes the full path.
 */
final class WindowDigest {

  /** The state key the digest is stored under. */
  static final String KEY = "_dl_window";

  static final int CAPACITY = 1 << 17;

  private final long lag;
  private long[] cursors = new long[16];
  private long[] high = new long[16];
  private long[] low = new long[16];
  private int head;
  private int size;
  private long max;
  private boolean valid = true;

  private WindowDigest(long lag) {
    this.lag = lag;
  }

  /**
   * A digest for a load of {@code spec} whose cursor is of {@code kind} (read as epoch micros,
   * epoch days or a long), or {@code null} when the window cannot be tracked this way.
   */
  static WindowDigest forLoad(ResourceSpec spec, CursorValue.Kind kind) {
    Incremental inc = spec.incremental();
    if (inc == null
        || inc.lastValueFunction() != Incremental.LastValueFunction.MAX
        || inc.endValue() != null
        || kind == null) {
      return null;
    }
    Object lag = inc.lag();
    Long primitiveLag =
        switch (kind) {
          case TIMESTAMPTZ, TIMESTAMP -> {
            if (lag == null) {
              yield 0L;
            }
            if (lag instanceof Duration d && d.toNanos() % 1000 == 0 && !d.isNegative()) {
              yield d.toNanos() / 1000;
            }
            yield null;
          }
          case INTEGER -> {
            if (lag == null) {
              yield 0L;
            }
            if (lag instanceof Long l && l >= 0) {
              yield l;
            }
            if (lag instanceof BigDecimal b
                && b.signum() >= 0
                && b.stripTrailingZeros().scale() <= 0) {
              yield b.longValueExact();
            }
            yield null;
          }
          case DATE -> lag == null ? 0L : null;
          default -> null;
        };
    return primitiveLag == null ? null : new WindowDigest(primitiveLag);
  }

  /** Adds an accepted row. */
  void add(String stateKey, long cursor, UUID id) {
    if (!valid) {
      return;
    }
    if (!stateKey.isEmpty() || (size > 0 && cursor < max)) {
      invalidate();
      return;
    }
    if (size == 0 || cursor > max) {
      max = cursor;
      // the window of an infinite cursor is the infinity alone, as the next read starts there
      long floor = max == Long.MAX_VALUE || max == -Long.MAX_VALUE ? max : max - lag;
      while (size > 0 && cursors[head] < floor) {
        head = (head + 1) % cursors.length;
        size--;
      }
    }
    if (size == cursors.length) {
      if (size == CAPACITY) {
        invalidate();
        return;
      }
      grow();
    }
    int at = (head + size) % cursors.length;
    cursors[at] = cursor;
    high[at] = id.getMostSignificantBits();
    low[at] = id.getLeastSignificantBits();
    size++;
  }

  private void grow() {
    int n = cursors.length;
    long[] c = new long[n * 2];
    long[] h = new long[n * 2];
    long[] l = new long[n * 2];
    for (int k = 0; k < size; k++) {
      int i = (head + k) % n;
      c[k] = cursors[i];
      h[k] = high[i];
      l[k] = low[i];
    }
    cursors = c;
    high = h;
    low = l;
    head = 0;
  }

  void invalidate() {
    valid = false;
  }

  /** Rows in the window. */
  int count() {
    return size;
  }

  /** The digest of the window's rows, or empty when it could not be tracked. */
  Optional<CursorValue> digest() {
    if (!valid) {
      return Optional.empty();
    }
    long sumHigh = 0;
    long sumLow = 0;
    long xorHigh = 0;
    long xorLow = 0;
    for (int k = 0; k < size; k++) {
      int i = (head + k) % cursors.length;
      sumHigh += high[i];
      sumLow += low[i];
      xorHigh ^= Long.rotateLeft(high[i], 17) * 0x9E3779B97F4A7C15L;
      xorLow ^= Long.rotateLeft(low[i], 29) * 0xC2B2AE3D27D4EB4FL;
    }
    return Optional.of(
        CursorValue.of(
            String.format(
                "%d@%d:%016x%016x%016x%016x", size, max, sumHigh, sumLow, xorHigh, xorLow)));
  }
}
