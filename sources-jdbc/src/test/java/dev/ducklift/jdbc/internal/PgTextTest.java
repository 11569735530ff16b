package dev.ducklift.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PgTextTest {

  @Test
  void parsesDatesIncludingBcAndInfinity() {
    assertThat(PgText.date("2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(PgText.date("0044-03-15 BC")).isEqualTo(LocalDate.of(-43, 3, 15));
    assertThat(PgText.date("infinity")).isEqualTo(LocalDate.MAX);
    assertThat(PgText.date("-infinity")).isEqualTo(LocalDate.MIN);
    assertThat(PgText.date("294276-12-31")).isEqualTo(LocalDate.of(294276, 12, 31));
  }

  @Test
  void parsesTimesAndTimestampsToTheMicrosecond() {
    assertThat(PgText.time("13:45:01.000001")).isEqualTo(LocalTime.of(13, 45, 1, 1000));
    assertThat(PgText.time("24:00:00")).isEqualTo(LocalTime.MAX);
    assertThat(PgText.timestamp("2024-01-02 03:04:05.5"))
        .isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000));
    assertThat(PgText.timestamp("0001-01-01 00:00:00 BC"))
        .isEqualTo(LocalDateTime.of(0, 1, 1, 0, 0));
  }

  @Test
  void parsesTimestampsWithOffsetsToTheSameInstantInUtc() {
    assertThat(PgText.timestamptz("2024-03-10 01:59:59.999999-08"))
        .isEqualTo(OffsetDateTime.of(2024, 3, 10, 9, 59, 59, 999_999_000, ZoneOffset.UTC));
    assertThat(PgText.timestamptz("2024-03-10 01:00:00+05:30:15"))
        .isEqualTo(OffsetDateTime.of(2024, 3, 9, 19, 29, 45, 0, ZoneOffset.UTC));
    assertThat(PgText.timestamptz("2024-01-01 00:00:00+00")).hasToString("2024-01-01T00:00Z");
  }

  @Test
  void splitsArrayLiteralsWithQuotingAndNulls() {
    assertThat(PgText.arrayElements("{1,NULL,3}")).containsExactly("1", null, "3");
    assertThat(PgText.arrayElements("{\"a b\",\"c,d\",\"e\\\"f\",NULL,\"NULL\",\"\"}"))
        .containsExactly("a b", "c,d", "e\"f", null, "NULL", "");
    assertThat(PgText.arrayElements("{}")).isEmpty();
    assertThat(PgText.arrayElements("[0:1]={7,8}")).containsExactly("7", "8");
    assertThatThrownBy(() -> PgText.arrayElements("{{1,2},{3,4}}"))
        .hasMessageContaining("Multi-dimensional arrays are not supported");
  }

  @Test
  void decodesHexBytea() {
    assertThat(PgText.bytea("\\x00ff")).containsExactly(0, 0xff);
    assertThat(Arrays.asList(PgText.bytea("\\x").length)).containsExactly(0);
  }
}
