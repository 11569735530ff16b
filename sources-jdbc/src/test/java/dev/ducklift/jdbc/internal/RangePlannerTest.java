package dev.ducklift.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangePlannerTest {

  /** Which range a value falls in, by the same rule the queries use. */
  private static int rangeOf(long v, List<CursorValue> boundaries) {
    int i = 0;
    while (i < boundaries.size() && v >= (Long) boundaries.get(i).value()) {
      i++;
    }
    return i;
  }

  @Test
  void integerRangesAreEvenAndCoverEveryValueOnce() {
    List<CursorValue> b = RangePlanner.boundaries(CursorValue.of(1L), CursorValue.of(100L), 4);
    assertThat(b).containsExactly(CursorValue.of(26L), CursorValue.of(51L), CursorValue.of(76L));
    int[] counts = new int[4];
    for (long v = 1; v <= 100; v++) {
      counts[rangeOf(v, b)]++;
    }
    assertThat(counts).containsExactly(25, 25, 25, 25);
  }

  @Test
  void anInfiniteBoundPutsEveryBoundaryAtTheFiniteEnd() {
    CursorValue now = CursorValue.of(OffsetDateTime.parse("2024-01-01T00:00:00Z"));
    CursorValue infinity = CursorValue.of(OffsetDateTime.MAX);
    CursorValue minus = CursorValue.of(OffsetDateTime.MIN);
    assertThat(RangePlanner.boundaries(minus, now, 3)).containsExactly(now, now);
    assertThat(RangePlanner.boundaries(now, infinity, 3)).containsExactly(now, now);
    assertThat(RangePlanner.boundaries(minus, infinity, 3)).containsExactly(infinity, infinity);
    assertThat(
            RangePlanner.boundaries(
                CursorValue.of(LocalDate.MIN), CursorValue.of(LocalDate.of(2024, 1, 1)), 2))
        .containsExactly(CursorValue.of(LocalDate.of(2024, 1, 1)));
  }

  @Test
  void moreRangesThanValuesLeavesSomeEmpty() {
    List<CursorValue> b = RangePlanner.boundaries(CursorValue.of(5L), CursorValue.of(6L), 4);
    assertThat(b).containsExactly(CursorValue.of(5L), CursorValue.of(6L), CursorValue.of(6L));
  }

  @Test
  void extremeIntegerBoundsDoNotOverflow() {
    List<CursorValue> b =
        RangePlanner.boundaries(CursorValue.of(Long.MIN_VALUE), CursorValue.of(Long.MAX_VALUE), 2);
    assertThat(b).containsExactly(CursorValue.of(0L));
  }

  @Test
  void temporalAndDecimalColumnsSplitByTheirOwnUnits() {
    OffsetDateTime t0 = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    assertThat(RangePlanner.boundaries(CursorValue.of(t0), CursorValue.of(t0.plusHours(3)), 3))
        .containsExactly(CursorValue.of(t0.plusHours(1)), CursorValue.of(t0.plusHours(2)));
    assertThat(
            RangePlanner.boundaries(
                CursorValue.of(LocalDate.of(2024, 1, 1)),
                CursorValue.of(LocalDate.of(2024, 1, 11)),
                2))
        .containsExactly(CursorValue.of(LocalDate.of(2024, 1, 6)));
    assertThat(
            RangePlanner.boundaries(
                CursorValue.of(new BigDecimal("0.0")), CursorValue.of(new BigDecimal("1.0")), 4))
        .extracting(c -> ((BigDecimal) c.value()).stripTrailingZeros().toPlainString())
        .containsExactly("0.25", "0.5", "0.75");
  }

  @Test
  void theFirstRangeTakesNullsAndTheLastIsOpen() {
    List<CursorValue> b = List.of(CursorValue.of(10L), CursorValue.of(20L));
    ReadWindow first = RangePlanner.range(ReadWindow.ALL, b, 0);
    ReadWindow last = RangePlanner.range(ReadWindow.ALL, b, 2);
    assertThat(first.splitLower()).isNull();
    assertThat(first.splitUpper()).isEqualTo(CursorValue.of(10L));
    assertThat(first.splitNulls()).isTrue();
    assertThat(last.splitLower()).isEqualTo(CursorValue.of(20L));
    assertThat(last.splitUpper()).isNull();
    assertThat(last.splitNulls()).isFalse();
  }
}
