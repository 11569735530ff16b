package dev.ducklift.jdbc.internal;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Divides {@code [lower, upper]} of a split column into {@code parts} contiguous ranges. Range
 * {@code i} is {@code [b(i), b(i+1))} where the first range is open below (and takes the nulls) and
 * the last open above, so the ranges cover every row exactly once for any boundaries.
 */
final class RangePlanner {
  private RangePlanner() {}

  /** The {@code parts - 1} inner boundaries, ascending (duplicates make empty ranges). */
  static List<CursorValue> boundaries(CursorValue lower, CursorValue upper, int parts) {
    if (lower.compareTo(upper) > 0) {
      throw new DuckliftException(
          "The split bounds are reversed: lower " + lower + " is above upper " + upper);
    }
    if (lower.infinity() != 0 || upper.infinity() != 0) {
      // An infinite span has no middle: every boundary at the finite end (or at infinity), so the
      // rows still fall into the ranges exactly once, most of them into one range.
      CursorValue at = upper.infinity() == 0 || lower.infinity() != 0 ? upper : lower;
      return java.util.Collections.nCopies(parts - 1, at);
    }
    List<CursorValue> out = new ArrayList<>();
    for (int i = 1; i < parts; i++) {
      out.add(point(lower, upper, i, parts));
    }
    return out;
  }

  /** Range {@code index} of the ranges given by {@code boundaries}, applied to {@code window}. */
  static ReadWindow range(ReadWindow window, List<CursorValue> boundaries, int index) {
    CursorValue from = index == 0 ? null : boundaries.get(index - 1);
    CursorValue to = index == boundaries.size() ? null : boundaries.get(index);
    return window.withRange(from, to, index == 0);
  }

  private static CursorValue point(CursorValue lower, CursorValue upper, int i, int parts) {
    return switch (lower.kind()) {
      case INTEGER -> {
        BigInteger lo = BigInteger.valueOf((Long) lower.value());
        BigInteger span = BigInteger.valueOf((Long) upper.value()).subtract(lo).add(BigInteger.ONE);
        yield CursorValue.of(
            lo.add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(parts)))
                .longValueExact());
      }
      case DECIMAL -> {
        BigDecimal lo = (BigDecimal) lower.value();
        BigDecimal span = ((BigDecimal) upper.value()).subtract(lo);
        yield CursorValue.of(
            lo.add(
                span.multiply(BigDecimal.valueOf(i))
                    .divide(BigDecimal.valueOf(parts), MathContext.DECIMAL128)));
      }
      case TIMESTAMPTZ -> {
        Instant lo = ((OffsetDateTime) lower.value()).toInstant();
        Instant hi = ((OffsetDateTime) upper.value()).toInstant();
        long micros = fraction(ChronoUnit.MICROS.between(lo, hi), i, parts);
        yield CursorValue.of(lo.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
      }
      case TIMESTAMP -> {
        LocalDateTime lo = (LocalDateTime) lower.value();
        LocalDateTime hi = (LocalDateTime) upper.value();
        long micros = fraction(ChronoUnit.MICROS.between(lo, hi), i, parts);
        yield CursorValue.of(lo.plus(micros, ChronoUnit.MICROS));
      }
      case DATE -> {
        LocalDate lo = (LocalDate) lower.value();
        long days = fraction(ChronoUnit.DAYS.between(lo, (LocalDate) upper.value()), i, parts);
        yield CursorValue.of(lo.plusDays(days));
      }
      case TEXT -> throw new DuckliftException("A text column cannot be split into ranges");
    };
  }

  private static long fraction(long span, int i, int parts) {
    return BigInteger.valueOf(span)
        .multiply(BigInteger.valueOf(i))
        .divide(BigInteger.valueOf(parts))
        .longValueExact();
  }
}
