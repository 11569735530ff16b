package dev.ducklift.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Incremental.LastValueFunction;
import dev.ducklift.core.Incremental.OnMissingCursor;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.internal.CursorTracker.Decision;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CursorTrackerTest {

  private static CursorTracker tracker(
      Incremental incremental, Map<String, CursorValue> committed) {
    return new CursorTracker(ResourceSpec.builder("r").incremental(incremental).build(), committed);
  }

  private static Map<String, Object> rec(Object cursor) {
    Map<String, Object> m = new HashMap<>();
    m.put("updated_at", cursor);
    return m;
  }

  private static Decision accept(CursorTracker t, Object cursor) {
    return t.accept(rec(cursor), "", "page 1", 0);
  }

  @Test
  void startsAtTheWatermarkMinusTheLagAndReReadsRowsEqualToIt() {
    CursorValue last = CursorValue.of(OffsetDateTime.parse("2024-05-01T12:00:00Z"));
    CursorTracker t =
        tracker(Incremental.on("updated_at").withLag(Duration.ofMinutes(30)), Map.of("", last));

    assertThat(t.startValue(""))
        .contains(CursorValue.of(OffsetDateTime.parse("2024-05-01T11:30:00Z")));
    assertThat(accept(t, "2024-05-01T11:29:59Z")).isEqualTo(Decision.OUTSIDE);
    assertThat(accept(t, "2024-05-01T11:30:00Z")).isEqualTo(Decision.ACCEPT);
    assertThat(accept(t, "2024-05-01T12:00:00Z")).isEqualTo(Decision.ACCEPT);
    assertThat(t.watermarks()).containsEntry("", last);
  }

  @Test
  void numericLagAppliesToNumericCursors() {
    CursorTracker t =
        tracker(Incremental.on("updated_at").withLag(10L), Map.of("", CursorValue.of(100L)));
    assertThat(t.startValue("")).contains(CursorValue.of(90L));
    assertThat(accept(t, 89)).isEqualTo(Decision.OUTSIDE);
    assertThat(accept(t, 90)).isEqualTo(Decision.ACCEPT);
    assertThat(accept(t, 150L)).isEqualTo(Decision.ACCEPT);
    assertThat(t.watermarks()).containsEntry("", CursorValue.of(150L));
  }

  @Test
  void aDurationLagOnANumericCursorIsRejected() {
    CursorTracker t =
        tracker(
            Incremental.on("updated_at").withLag(Duration.ofHours(1)),
            Map.of("", CursorValue.of(100L)));
    assertThatThrownBy(() -> t.startValue(""))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("lag");
  }

  @Test
  void theInitialValueStartsAFirstRunWithoutLag() {
    CursorTracker t =
        tracker(
            Incremental.on("updated_at").withInitialValue(CursorValue.of(10L)).withLag(5L),
            Map.of());
    assertThat(t.startValue("")).contains(CursorValue.of(10L));
    assertThat(accept(t, 9)).isEqualTo(Decision.OUTSIDE);
    assertThat(accept(t, 10)).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void anEndValueBoundsTheWindowExclusivelyAndNeverMovesState() {
    Map<String, CursorValue> committed = Map.of("", CursorValue.of(500L));
    CursorTracker t =
        tracker(
            Incremental.on("updated_at")
                .withInitialValue(CursorValue.of(0L))
                .withEndValue(CursorValue.of(200L)),
            committed);
    assertThat(accept(t, 150)).isEqualTo(Decision.ACCEPT);
    assertThat(accept(t, 200)).isEqualTo(Decision.OUTSIDE);
    assertThat(t.advancesState()).isFalse();
    assertThat(t.watermarks()).isEqualTo(committed);
  }

  @Test
  void aMinCursorTracksTheMinimumAndMirrorsTheWindow() {
    CursorTracker t =
        tracker(
            Incremental.on("updated_at").withLastValueFunction(LastValueFunction.MIN).withLag(5L),
            Map.of("", CursorValue.of(100L)));
    assertThat(t.startValue("")).contains(CursorValue.of(105L));
    assertThat(accept(t, 106)).isEqualTo(Decision.OUTSIDE);
    assertThat(accept(t, 105)).isEqualTo(Decision.ACCEPT);
    assertThat(accept(t, 40)).isEqualTo(Decision.ACCEPT);
    assertThat(accept(t, 60)).isEqualTo(Decision.ACCEPT);
    assertThat(t.watermarks()).containsEntry("", CursorValue.of(40L));
    assertThat(t.ordered()).isFalse();
  }

  @Test
  void timestampsCompareByInstantAndKeepTheirZoneAndNanoseconds() {
    CursorTracker t = tracker(Incremental.on("updated_at"), Map.of());
    accept(t, "2024-05-01T12:00:00.123456789+02:00");
    accept(t, "2024-05-01T10:30:00Z");
    // 12:00+02:00 is 10:00Z, earlier than 10:30Z, whatever the strings say.
    CursorValue mark = t.watermarks().get("");
    assertThat(mark).isEqualTo(CursorValue.of(OffsetDateTime.parse("2024-05-01T10:30:00Z")));

    CursorTracker precise = tracker(Incremental.on("updated_at"), Map.of());
    accept(precise, "2024-05-01T12:00:00.123456789+02:00");
    OffsetDateTime kept = (OffsetDateTime) precise.watermarks().get("").value();
    assertThat(kept.getOffset().getTotalSeconds()).isEqualTo(7200);
    assertThat(kept.getNano()).isEqualTo(123_456_789);
    assertThat(precise.watermarks().get("").text())
        .isEqualTo("2024-05-01T12:00:00.123456789+02:00");
  }

  @Test
  void nanosecondsDecideTheWatermark() {
    CursorTracker t = tracker(Incremental.on("updated_at"), Map.of());
    accept(t, "2024-05-01T10:00:00.000000002Z");
    accept(t, "2024-05-01T10:00:00.000000001Z");
    assertThat(((OffsetDateTime) t.watermarks().get("").value()).getNano()).isEqualTo(2);
  }

  @Test
  void watermarksAreTrackedPerStateKey() {
    CursorTracker t = tracker(Incremental.on("updated_at"), Map.of("p1", CursorValue.of(10L)));
    t.accept(rec(5L), "p1", "page", 0);
    t.accept(rec(5L), "p2", "page", 0);
    t.accept(rec(20L), "p1", "page", 1);
    assertThat(t.watermarks())
        .containsEntry("p1", CursorValue.of(20L))
        .containsEntry("p2", CursorValue.of(5L));
  }

  @Test
  void missingCursorsFailWithAnExcerptOrAreIncludedOrExcluded() {
    Map<String, Object> noCursor = Map.of("id", 1);
    CursorTracker failing = tracker(Incremental.on("meta.updated_at"), Map.of());
    assertThatThrownBy(() -> failing.accept(noCursor, "", "page 2", 3))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Resource 'r'")
        .hasMessageContaining("record 3 of page 2")
        .hasMessageContaining("meta.updated_at")
        .hasMessageContaining("{\"id\":1}");

    CursorTracker including =
        tracker(
            Incremental.on("updated_at").withOnMissingCursor(OnMissingCursor.INCLUDE), Map.of());
    assertThat(including.accept(noCursor, "", "p", 0)).isEqualTo(Decision.ACCEPT);
    assertThat(including.watermarks()).isEmpty();

    CursorTracker excluding =
        tracker(
            Incremental.on("updated_at").withOnMissingCursor(OnMissingCursor.EXCLUDE), Map.of());
    assertThat(excluding.accept(noCursor, "", "p", 0)).isEqualTo(Decision.EXCLUDED);
  }

  @Test
  void readsNestedCursorPaths() {
    CursorTracker t = tracker(Incremental.on("meta.version"), Map.of());
    t.accept(Map.of("meta", Map.of("version", 7)), "", "p", 0);
    assertThat(t.watermarks()).containsEntry("", CursorValue.of(7L));
  }

  @Test
  void anUnparsableCursorFailsNamingTheValue() {
    CursorTracker t = tracker(Incremental.on("updated_at"), Map.of("", CursorValue.of(10L)));
    assertThatThrownBy(() -> accept(t, "yesterday"))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("yesterday")
        .hasMessageContaining("INTEGER");
  }

  @Test
  void decimalAndTimestampWithoutZoneCursorsWork() {
    CursorTracker decimals =
        tracker(Incremental.on("updated_at"), Map.of("", CursorValue.of(new BigDecimal("1.5"))));
    assertThat(accept(decimals, 1.25)).isEqualTo(Decision.OUTSIDE);
    assertThat(accept(decimals, new BigDecimal("2.50"))).isEqualTo(Decision.ACCEPT);
    assertThat(accept(decimals, 2)).isEqualTo(Decision.ACCEPT);

    CursorTracker local =
        tracker(
            Incremental.on("updated_at").withLag(Duration.ofDays(1)),
            Map.of("", CursorValue.of(LocalDateTime.parse("2024-05-02T00:00:00"))));
    assertThat(local.startValue(""))
        .contains(CursorValue.of(LocalDateTime.parse("2024-05-01T00:00:00")));
    assertThat(accept(local, LocalDateTime.parse("2024-05-01T00:00:01")))
        .isEqualTo(Decision.ACCEPT);
    assertThatThrownBy(() -> accept(local, "2024-05-01T00:00:01Z"))
        .isInstanceOf(DuckliftException.class);
  }
}
