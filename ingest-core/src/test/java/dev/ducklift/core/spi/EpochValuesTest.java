package dev.ducklift.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.CursorValue;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochValuesTest {

  @Test
  void theLargestAndSmallestValuesAreDuckDbsInfinities() {
    assertThat(EpochValues.epochMicros(OffsetDateTime.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(EpochValues.epochMicros(OffsetDateTime.MIN)).isEqualTo(-Long.MAX_VALUE);
    assertThat(EpochValues.epochMicros(LocalDateTime.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(EpochValues.epochMicros(LocalDateTime.MIN)).isEqualTo(-Long.MAX_VALUE);
    assertThat(EpochValues.epochMicros(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(EpochValues.epochDays(LocalDate.MAX)).isEqualTo(Integer.MAX_VALUE);
    assertThat(EpochValues.epochDays(LocalDate.MIN)).isEqualTo(-Integer.MAX_VALUE);
    assertThat(EpochValues.offsetDateTime(Long.MAX_VALUE)).isEqualTo(OffsetDateTime.MAX);
    assertThat(EpochValues.localDateTime(-Long.MAX_VALUE)).isEqualTo(LocalDateTime.MIN);
    assertThat(EpochValues.localDate(Integer.MAX_VALUE)).isEqualTo(LocalDate.MAX);
  }

  @Test
  void finiteValuesConvertExactlyBothWaysIncludingBeforeChrist() {
    LocalDateTime bc = LocalDateTime.of(-43, 3, 15, 12, 30, 0, 1000);
    long micros = EpochValues.epochMicros(bc);
    assertThat(micros)
        .isEqualTo(bc.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + bc.getNano() / 1000);
    assertThat(EpochValues.localDateTime(micros)).isEqualTo(bc);
    OffsetDateTime t = OffsetDateTime.parse("1969-12-31T23:59:59.999999-03:00");
    assertThat(EpochValues.offsetDateTime(EpochValues.epochMicros(t)).toInstant())
        .isEqualTo(t.toInstant());
    assertThat(EpochValues.localDate(EpochValues.epochDays(LocalDate.of(-4712, 1, 1))))
        .isEqualTo(LocalDate.of(-4712, 1, 1));
  }

  @Test
  void theEndOfADayIsTwentyFourHours() {
    assertThat(EpochValues.dayMicros(LocalTime.MAX)).isEqualTo(24L * 3600 * 1_000_000);
    assertThat(EpochValues.dayMicros(LocalTime.of(23, 59, 59, 999_999_000)))
        .isEqualTo(24L * 3600 * 1_000_000 - 1);
  }

  @Test
  void aTimestampBeyondMicrosecondsFromTheEpochFails() {
    assertThatThrownBy(() -> EpochValues.epochMicros(LocalDateTime.of(999_999_999, 1, 1, 0, 0)))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void infiniteCursorValuesPrintParseAndSortAroundEveryOtherValue() {
    CursorValue infinity = CursorValue.of(OffsetDateTime.MAX);
    CursorValue minus = CursorValue.of(OffsetDateTime.MIN);
    CursorValue now = CursorValue.of(OffsetDateTime.parse("2024-01-01T00:00:00+14:00"));
    assertThat(infinity.text()).isEqualTo("infinity");
    assertThat(minus.text()).isEqualTo("-infinity");
    assertThat(CursorValue.parse(CursorValue.Kind.TIMESTAMPTZ, "infinity")).isEqualTo(infinity);
    assertThat(CursorValue.parse(CursorValue.Kind.TIMESTAMPTZ, "-infinity")).isEqualTo(minus);
    assertThat(CursorValue.parse(CursorValue.Kind.DATE, "infinity").value())
        .isEqualTo(LocalDate.MAX);
    assertThat(CursorValue.parse(CursorValue.Kind.TIMESTAMP, "-infinity").value())
        .isEqualTo(LocalDateTime.MIN);
    assertThat(CursorValue.of(Instant.MAX)).isEqualTo(infinity);
    List<CursorValue> values = new ArrayList<>(List.of(infinity, now, minus));
    Collections.sort(values);
    assertThat(values).containsExactly(minus, now, infinity);
    assertThat(infinity.compareTo(CursorValue.of(OffsetDateTime.MAX))).isZero();
  }
}
