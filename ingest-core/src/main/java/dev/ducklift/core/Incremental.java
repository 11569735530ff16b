package dev.ducklift.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The incremental cursor of a resource.
 *
 * @param cursorPath dotted path into each record ({@code updated_at}, {@code meta.modified}); the
 *     runtime reads the cursor from the record with it
 * @param initialValue the watermark used when no state exists yet
 * @param endValue an optional upper bound (exclusive); a run with an end value is a bounded
 *     backfill window and never moves the stored watermark
 * @param lag how far behind the last watermark the next run starts: a {@link Duration} for
 *     timestamp cursors, a number ({@link Long} or {@link BigDecimal}) for numeric cursors; {@code
 *     null} for none
 * @param lastValueFunction whether the watermark is the maximum (default) or minimum cursor seen
 * @param onMissingCursor what to do with a record that has no cursor value
 */
public record Incremental(
    String cursorPath,
    CursorValue initialValue,
    CursorValue endValue,
    Object lag,
    LastValueFunction lastValueFunction,
    OnMissingCursor onMissingCursor) {

  /** Which extreme of the cursor becomes the watermark. */
  public enum LastValueFunction {
    MAX,
    MIN
  }

  /** What happens with a record whose cursor is missing or null. */
  public enum OnMissingCursor {
    /** Fail the resource with an excerpt of the record (default). */
    FAIL,
    /** Keep the record; it does not move the watermark. */
    INCLUDE,
    /** Drop the record. */
    EXCLUDE
  }

  public Incremental {
    Objects.requireNonNull(cursorPath, "cursorPath");
    if (cursorPath.isBlank()) {
      throw new IllegalArgumentException("Cursor path must not be blank");
    }
    if (lag != null
        && !(lag instanceof Duration || lag instanceof Long || lag instanceof BigDecimal)) {
      throw new IllegalArgumentException(
          "Lag must be a Duration, Long or BigDecimal, not " + lag.getClass().getSimpleName());
    }
    lastValueFunction = lastValueFunction == null ? LastValueFunction.MAX : lastValueFunction;
    onMissingCursor = onMissingCursor == null ? OnMissingCursor.FAIL : onMissingCursor;
  }

  /** A max-cursor on {@code cursorPath} with no initial value, end value or lag. */
  public static Incremental on(String cursorPath) {
    return new Incremental(cursorPath, null, null, null, null, null);
  }

  public Incremental withInitialValue(CursorValue value) {
    return new Incremental(cursorPath, value, endValue, lag, lastValueFunction, onMissingCursor);
  }

  public Incremental withEndValue(CursorValue value) {
    return new Incremental(
        cursorPath, initialValue, value, lag, lastValueFunction, onMissingCursor);
  }

  public Incremental withLag(Object value) {
    return new Incremental(
        cursorPath, initialValue, endValue, value, lastValueFunction, onMissingCursor);
  }

  public Incremental withLastValueFunction(LastValueFunction function) {
    return new Incremental(cursorPath, initialValue, endValue, lag, function, onMissingCursor);
  }

  public Incremental withOnMissingCursor(OnMissingCursor policy) {
    return new Incremental(cursorPath, initialValue, endValue, lag, lastValueFunction, policy);
  }

  public Optional<CursorValue> initial() {
    return Optional.ofNullable(initialValue);
  }

  public Optional<CursorValue> end() {
    return Optional.ofNullable(endValue);
  }
}
