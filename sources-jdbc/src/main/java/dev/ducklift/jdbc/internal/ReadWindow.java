package dev.ducklift.jdbc.internal;

import dev.ducklift.core.CursorValue;

/**
 * Which rows of a table one read covers, by cursor and by split range.
 *
 * @param lower the lower cursor bound, or {@code null}
 * @param lowerStrict whether {@code lower} itself is excluded
 * @param lowerId with {@code lower}: the tiebreak id, read strictly after {@code (lower, lowerId)}
 * @param ceiling an inclusive upper cursor bound fixed when a parallel load starts, or {@code null}
 * @param end the exclusive end of a backfill window, or {@code null}
 * @param exact only rows whose cursor equals this, or {@code null}
 * @param splitLower the inclusive lower bound of the split range, or {@code null} (open)
 * @param splitUpper the exclusive upper bound of the split range, or {@code null} (open)
 * @param splitNulls whether rows with a null split value belong to this range
 */
record ReadWindow(
    CursorValue lower,
    boolean lowerStrict,
    CursorValue lowerId,
    CursorValue ceiling,
    CursorValue end,
    CursorValue exact,
    CursorValue splitLower,
    CursorValue splitUpper,
    boolean splitNulls) {

  static final ReadWindow ALL =
      new ReadWindow(null, false, null, null, null, null, null, null, true);

  ReadWindow from(CursorValue value, boolean strict, CursorValue id) {
    return new ReadWindow(
        value, strict, id, ceiling, end, exact, splitLower, splitUpper, splitNulls);
  }

  ReadWindow withCeiling(CursorValue value) {
    return new ReadWindow(
        lower, lowerStrict, lowerId, value, end, exact, splitLower, splitUpper, splitNulls);
  }

  ReadWindow withEnd(CursorValue value) {
    return new ReadWindow(
        lower, lowerStrict, lowerId, ceiling, value, exact, splitLower, splitUpper, splitNulls);
  }

  ReadWindow withExact(CursorValue value) {
    return new ReadWindow(
        lower, lowerStrict, lowerId, ceiling, end, value, splitLower, splitUpper, splitNulls);
  }

  ReadWindow withRange(CursorValue from, CursorValue to, boolean nulls) {
    return new ReadWindow(lower, lowerStrict, lowerId, ceiling, end, exact, from, to, nulls);
  }
}
