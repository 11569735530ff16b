package dev.ducklift.ducklake.write;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsMergeTest {
  @Test
  void numbersCompareNumericallyNotAsText() {
    assertThat(StatsMerge.compare("int64", "9", "10")).isNegative();
    assertThat(StatsMerge.compare("int64", "-19", "0")).isNegative();
    assertThat(StatsMerge.compare("decimal(38,10)", "-9999.5", "-10000")).isPositive();
    assertThat(StatsMerge.compare("uint64", "18446744073709551615", "9223372036854775807"))
        .isPositive();
  }

  @Test
  void infinitiesBoundEveryFloat() {
    assertThat(StatsMerge.compare("float64", "-inf", "-1e308")).isNegative();
    assertThat(StatsMerge.compare("float64", "inf", "1.7976931348623157e308")).isPositive();
  }

  @Test
  void datesAfterTheYear9999SortAfterEarlierOnes() {
    assertThat(StatsMerge.compare("date", "10000-01-01", "2024-12-31")).isPositive();
    assertThat(StatsMerge.compare("timestamp", "2024-01-01 00:00:00", "2024-01-01 00:00:00.5"))
        .isNegative();
    assertThat(StatsMerge.compare("timestamptz", "infinity", "294247-01-10 04:00:54+00"))
        .isPositive();
    assertThat(StatsMerge.compare("date", "0044-03-15 (BC)", "0001-01-01")).isNegative();
  }

  @Test
  void timestampsBeforeChristSortBeforeLaterOnes() {
    assertThat(StatsMerge.compare("timestamp", "4713-01-01 (BC) 00:00:00", "2024-01-01 00:00:00"))
        .isNegative();
    assertThat(
            StatsMerge.compare("timestamp", "0044-03-15 (BC) 12:30:00", "0045-03-15 (BC) 12:30:00"))
        .isPositive();
    assertThat(
            StatsMerge.compare(
                "timestamptz", "0044-03-15 (BC) 12:30:00+00", "0044-03-15 (BC) 12:29:59.5+00"))
        .isPositive();
    assertThat(StatsMerge.compare("timestamptz", "-infinity", "4713-01-01 (BC) 00:00:00+00"))
        .isNegative();
  }

  @Test
  void stringsCompareByUtf8BytesLikeDuckDb() {
    // U+FF5E sorts before U+1F600 in UTF-8 bytes, but after its surrogate pair in UTF-16
    assertThat(StatsMerge.compare("varchar", "\uFF5E", "\uD83D\uDE00")).isNegative();
    assertThat(StatsMerge.compare("varchar", "b", "ab")).isPositive();
  }
}
