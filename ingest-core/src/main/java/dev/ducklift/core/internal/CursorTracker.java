package dev.ducklift.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Incremental.LastValueFunction;
import dev.ducklift.core.ResourceSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the incremental cursor of each record, keeps records inside the run's window and tracks the
 * new watermark per state key. Watermarks are exact typed values; nothing per row is kept.
 *
 * <p>Window for a {@code max} cursor: {@code start <= cursor < end}, where start is the last
 * watermark minus the lag (or the initial value on a first run; lag is not applied to it) and end
 * the exclusive end value. For a {@code min} cursor the window is mirrored: {@code end < cursor <=
 * start}, start being the last watermark plus the lag. Rows equal to the watermark are therefore
 * re-read and deduplicated downstream by primary key. With both an initial and an end value the run
 * is a backfill of {@code [initial, end)} that ignores and never moves the stored watermark.
 *
 * <p>Not thread-safe: one tracker per load.
 */
public final class CursorTracker {

  /** What to do with a record. */
  public enum Decision {
    ACCEPT,
    /** Outside the window (before the start or at/after the end). */
    OUTSIDE,
    /** No cursor, and the policy excludes such records. */
    EXCLUDED
  }

  private final String resourceName;
  private final Incremental incremental;
  private final String[] path;
  private final boolean max;
  private final Map<String, CursorValue> committed;
  private final Map<String, CursorValue> seen = new HashMap<>();
  private final Map<String, CursorValue> positions = new HashMap<>();
  private final Map<String, CursorValue> last = new HashMap<>();
  private final Map<String, CursorValue> startCache = new HashMap<>();
  private final IsoTemporal temporal = new IsoTemporal();
  private boolean ordered = true;
  private long outside;
  private long pastEnd;

  public CursorTracker(ResourceSpec spec, Map<String, CursorValue> committedWatermarks) {
    this.resourceName = spec.name();
    this.incremental = spec.incremental();
    this.path = incremental == null ? null : incremental.cursorPath().split("\\.");
    this.max = incremental == null || incremental.lastValueFunction() == LastValueFunction.MAX;
    this.committed = Map.copyOf(committedWatermarks);
  }

  public boolean enabled() {
    return incremental != null;
  }

  /** The committed watermark under {@code stateKey}. */
  public Optional<CursorValue> lastValue(String stateKey) {
    return Optional.ofNullable(committed.get(stateKey));
  }

  /** Where reading starts for {@code stateKey}: the lagged watermark, or the initial value. */
  public Optional<CursorValue> startValue(String stateKey) {
    if (incremental == null) {
      return Optional.empty();
    }
    CursorValue cached = startCache.get(stateKey);
    if (cached != null) {
      return Optional.of(cached);
    }
    CursorValue lastValue = committed.get(stateKey);
    // A bounded backfill window reads [initial, end) whatever the stored state says.
    boolean backfill = incremental.endValue() != null && incremental.initialValue() != null;
    CursorValue start =
        lastValue == null || backfill
            ? incremental.initialValue()
            : applyLag(lastValue, incremental.lag());
    if (start != null) {
      startCache.put(stateKey, start);
    }
    return Optional.ofNullable(start);
  }

  public Optional<CursorValue> endValue() {
    return incremental == null ? Optional.empty() : incremental.end();
  }

  public Map<String, CursorValue> committed() {
    return committed;
  }

  /**
   * Decides about one record and, when it is accepted, moves the pending watermark of {@code
   * stateKey}.
   *
   * @throws DuckliftException with an excerpt when the cursor is missing (and the policy is {@code
   *     fail}) or cannot be read as the cursor's type
   */
  public Decision accept(Map<String, Object> record, String stateKey, String page, int index) {
    if (incremental == null) {
      return Decision.ACCEPT;
    }
    Object raw = read(record);
    if (raw == null) {
      return switch (incremental.onMissingCursor()) {
        case INCLUDE -> Decision.ACCEPT;
        case EXCLUDE -> Decision.EXCLUDED;
        case FAIL ->
            throw new DuckliftException(
                "Resource '"
                    + resourceName
                    + "': record "
                    + index
                    + " of "
                    + page
                    + " has no cursor value at '"
                    + incremental.cursorPath()
                    + "' (record "
                    + Normalizer.excerpt(record)
                    + ")");
      };
    }
    CursorValue value = toCursor(raw, expectedKind(stateKey), record, page, index);
    CursorValue start = startValue(stateKey).orElse(null);
    if (start != null) {
      int c = compare(value, start, record, page, index);
      if (max ? c < 0 : c > 0) {
        outside++;
        return Decision.OUTSIDE;
      }
    }
    CursorValue end = incremental.endValue();
    if (end != null) {
      int c = compare(value, end, record, page, index);
      if (max ? c >= 0 : c <= 0) {
        outside++;
        pastEnd++;
        return Decision.OUTSIDE;
      }
    }
    CursorValue previous = last.put(stateKey, value);
    if (previous != null && (max ? value.compareTo(previous) < 0 : value.compareTo(previous) > 0)) {
      ordered = false;
    }
    CursorValue best = seen.get(stateKey);
    if (best == null || (max ? value.compareTo(best) > 0 : value.compareTo(best) < 0)) {
      seen.put(stateKey, value);
    }
    return Decision.ACCEPT;
  }

  /**
   * Records the positions a page carries ({@link dev.ducklift.core.Page#positions()}): they replace
   * the previous ones as they are, without comparison, since a tiebreak may go down when the main
   * cursor goes up.
   */
  public void position(Map<String, CursorValue> pagePositions) {
    if (incremental != null) {
      positions.putAll(pagePositions);
    }
  }

  /** Records outside the window so far. */
  public long outside() {
    return outside;
  }

  /** Records at or past the end value so far (a bounded window was passed). */
  public long pastEnd() {
    return pastEnd;
  }

  /** Whether every accepted cursor so far came in order (non-decreasing for max). */
  public boolean ordered() {
    return ordered;
  }

  /** Whether this load moves stored state (incremental and not a bounded backfill window). */
  public boolean advancesState() {
    return incremental != null && incremental.endValue() == null;
  }

  /**
   * The resource's watermarks after this load: the committed ones moved by what was accepted
   * (unchanged for a bounded window or a non-incremental resource).
   */
  public Map<String, CursorValue> watermarks() {
    return watermarks(seen, positions);
  }

  /**
   * The committed watermarks advanced by the extremes in {@code seenValues} and overwritten by
   * {@code setPositions}, by this tracker's rule (unchanged for a bounded window or a
   * non-incremental resource); for loads that track their cursor outside this tracker.
   */
  Map<String, CursorValue> watermarks(
      Map<String, CursorValue> seenValues, Map<String, CursorValue> setPositions) {
    Map<String, CursorValue> result = new HashMap<>(committed);
    if (!advancesState()) {
      return result;
    }
    for (Map.Entry<String, CursorValue> e : seenValues.entrySet()) {
      CursorValue old = result.get(e.getKey());
      CursorValue now = e.getValue();
      if (old == null
          || old.kind() != now.kind()
          || (max ? now.compareTo(old) > 0 : now.compareTo(old) < 0)) {
        result.put(e.getKey(), now);
      }
    }
    result.putAll(setPositions);
    return result;
  }

  private CursorValue.Kind expectedKind(String stateKey) {
    CursorValue c = committed.get(stateKey);
    if (c != null) {
      return c.kind();
    }
    if (incremental.initialValue() != null) {
      return incremental.initialValue().kind();
    }
    if (incremental.endValue() != null) {
      return incremental.endValue().kind();
    }
    CursorValue s = seen.get(stateKey);
    return s == null ? null : s.kind();
  }

  private int compare(
      CursorValue value, CursorValue bound, Map<String, Object> record, String page, int index) {
    if (value.kind() != bound.kind()) {
      throw new DuckliftException(
          "Resource '"
              + resourceName
              + "': record "
              + index
              + " of "
              + page
              + " has a "
              + value.kind()
              + " cursor at '"
              + incremental.cursorPath()
              + "' but the watermark is a "
              + bound.kind()
              + " (value "
              + value.text()
              + ")");
    }
    return value.compareTo(bound);
  }

  private Object read(Map<String, Object> record) {
    Object current = record;
    for (String part : path) {
      if (current instanceof Map<?, ?> m) {
        current = m.get(part);
      } else if (current instanceof JsonNode j) {
        current = j.get(part);
      } else {
        return null;
      }
      if (current == null) {
        return null;
      }
    }
    if (current instanceof JsonNode j) {
      current = Normalizer.scalarOf(j);
    }
    return current;
  }

  /** Reads a raw cursor as a typed value, converting to {@code expected} when given. */
  CursorValue toCursor(
      Object raw, CursorValue.Kind expected, Map<String, Object> record, String page, int index) {
    CursorValue value = natural(raw);
    if (value != null && (expected == null || value.kind() == expected)) {
      return value;
    }
    if (value != null) {
      CursorValue converted = convert(value, expected);
      if (converted != null) {
        return converted;
      }
    }
    throw new DuckliftException(
        "Resource '"
            + resourceName
            + "': record "
            + index
            + " of "
            + page
            + " has a cursor at '"
            + incremental.cursorPath()
            + "' that cannot be read as "
            + (expected == null ? "a cursor value" : "a " + expected + " value")
            + ": "
            + Normalizer.excerpt(raw));
  }

  private CursorValue natural(Object raw) {
    if (raw instanceof Long
        || raw instanceof Integer
        || raw instanceof Short
        || raw instanceof Byte) {
      return CursorValue.of(((Number) raw).longValue());
    }
    if (raw instanceof BigInteger b) {
      return b.bitLength() < 64 ? CursorValue.of(b.longValue()) : CursorValue.of(new BigDecimal(b));
    }
    if (raw instanceof BigDecimal d) {
      return CursorValue.of(d);
    }
    if (raw instanceof Double || raw instanceof Float) {
      double d = ((Number) raw).doubleValue();
      return Double.isFinite(d) ? CursorValue.of(new BigDecimal(raw.toString())) : null;
    }
    if (raw instanceof OffsetDateTime t) {
      return CursorValue.of(t);
    }
    if (raw instanceof ZonedDateTime t) {
      return CursorValue.of(t.toOffsetDateTime());
    }
    if (raw instanceof Instant t) {
      return CursorValue.of(t);
    }
    if (raw instanceof LocalDateTime t) {
      return CursorValue.of(t);
    }
    if (raw instanceof LocalDate t) {
      return CursorValue.of(t);
    }
    if (raw instanceof String s) {
      return switch (temporal.parse(s)) {
        case TIMESTAMPTZ -> CursorValue.of(temporal.toOffsetDateTime());
        case TIMESTAMP -> CursorValue.of(temporal.toLocalDateTime());
        case DATE -> CursorValue.of(temporal.toLocalDate());
        case NONE -> CursorValue.of(s);
      };
    }
    return null;
  }

  private static CursorValue convert(CursorValue value, CursorValue.Kind expected) {
    try {
      return switch (expected) {
        case DECIMAL ->
            value.kind() == CursorValue.Kind.INTEGER
                ? CursorValue.of(BigDecimal.valueOf((Long) value.value()))
                : value.kind() == CursorValue.Kind.TEXT
                    ? CursorValue.of(new BigDecimal(((String) value.value()).trim()))
                    : null;
        case INTEGER ->
            value.kind() == CursorValue.Kind.DECIMAL
                ? CursorValue.of(((BigDecimal) value.value()).longValueExact())
                : value.kind() == CursorValue.Kind.TEXT
                    ? CursorValue.of(Long.parseLong(((String) value.value()).trim()))
                    : null;
        case TEXT -> CursorValue.of(value.text());
        default -> null;
      };
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * {@code value} moved back by {@code lag} (forward for a min cursor): a {@link Duration} for
   * timestamps and dates, a number for numeric cursors.
   */
  CursorValue applyLag(CursorValue value, Object lag) {
    // infinity minus any lag is still infinity
    if (lag == null || value.infinity() != 0) {
      return value;
    }
    int sign = max ? -1 : 1;
    switch (value.kind()) {
      case TIMESTAMPTZ:
        if (lag instanceof Duration d) {
          return CursorValue.of(((OffsetDateTime) value.value()).plus(d.multipliedBy(sign)));
        }
        break;
      case TIMESTAMP:
        if (lag instanceof Duration d) {
          return CursorValue.of(((LocalDateTime) value.value()).plus(d.multipliedBy(sign)));
        }
        break;
      case DATE:
        if (lag instanceof Duration d) {
          return CursorValue.of(
              ((LocalDate) value.value())
                  .atStartOfDay()
                  .toInstant(ZoneOffset.UTC)
                  .plus(d.multipliedBy(sign))
                  .atOffset(ZoneOffset.UTC)
                  .toLocalDate());
        }
        break;
      case INTEGER:
        if (lag instanceof Long l) {
          return CursorValue.of(Math.addExact((Long) value.value(), sign * l));
        }
        if (lag instanceof BigDecimal b && b.stripTrailingZeros().scale() <= 0) {
          return CursorValue.of(Math.addExact((Long) value.value(), sign * b.longValueExact()));
        }
        break;
      case DECIMAL:
        if (lag instanceof Long l) {
          return CursorValue.of(((BigDecimal) value.value()).add(BigDecimal.valueOf(sign * l)));
        }
        if (lag instanceof BigDecimal b) {
          return CursorValue.of(((BigDecimal) value.value()).add(sign > 0 ? b : b.negate()));
        }
        break;
      default:
        break;
    }
    throw new DuckliftException(
        "Resource '"
            + resourceName
            + "': a lag of "
            + lag
            + " ("
            + lag.getClass().getSimpleName()
            + ") does not apply to a "
            + value.kind()
            + " cursor; use a Duration for timestamps and dates, a number for numbers");
  }
}
