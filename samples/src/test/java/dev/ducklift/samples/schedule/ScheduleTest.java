package dev.ducklift.samples.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.DuckliftException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class ScheduleTest {

  @Test
  void aDailyCronFiresNextAtItsHourOnTheFollowingDay() {
    Instant after = Instant.parse("2026-01-01T05:00:00Z");
    Instant expected = ZonedDateTime.of(2026, 1, 2, 3, 0, 0, 0, ZoneOffset.UTC).toInstant();
    assertThat(Schedule.cron("0 3 * * *").nextAfter(after)).contains(expected);
  }

  @Test
  void aStepCronFiresOnTheNextMultiple() {
    Instant after = Instant.parse("2026-05-10T10:07:30Z");
    assertThat(Schedule.cron("*/15 * * * *").nextAfter(after))
        .contains(Instant.parse("2026-05-10T10:15:00Z"));
  }

  @Test
  void aWeekdayCronSkipsTheWeekendAndFollowsDaylightSavingInItsZone() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    // Friday 27 March 2026, 10:00 in Paris; clocks go forward on Sunday the 29th.
    Instant after = ZonedDateTime.of(2026, 3, 27, 10, 0, 0, 0, paris).toInstant();
    Instant monday = ZonedDateTime.of(2026, 3, 30, 9, 30, 0, 0, paris).toInstant();
    assertThat(Schedule.cron("30 9 * * 1-5", paris).nextAfter(after)).contains(monday);
    assertThat(Duration.between(after, monday)).isEqualTo(Duration.ofHours(70).plusMinutes(30));
  }

  @Test
  void aSixFieldCronCountsSeconds() {
    Instant after = Instant.parse("2026-05-10T10:00:03Z");
    assertThat(Schedule.cron("*/10 * * * * *").nextAfter(after))
        .contains(Instant.parse("2026-05-10T10:00:10Z"));
  }

  @Test
  void aFixedRateFiresOnePeriodAfterThePreviousFire() {
    Instant after = Instant.parse("2026-05-10T10:00:00Z");
    assertThat(Schedule.every(Duration.ofMinutes(5)).nextAfter(after))
        .contains(after.plusSeconds(300));
  }

  @Test
  void rejectsACronExpressionWithAnOutOfRangeField() {
    assertThatThrownBy(() -> Schedule.cron("61 * * * *"))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("61 * * * *");
  }

  @Test
  void rejectsACronExpressionWithTheWrongNumberOfFields() {
    assertThatThrownBy(() -> Schedule.cron("* * *"))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("3 fields");
  }

  @Test
  void rejectsANonPositivePeriod() {
    assertThatThrownBy(() -> Schedule.every(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void backoffGrowsByTheMultiplierUpToTheCap() {
    RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), 3.0, Duration.ofMillis(2_000));
    assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofMillis(300));
    assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofMillis(900));
    assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofMillis(2_000));
  }
}
