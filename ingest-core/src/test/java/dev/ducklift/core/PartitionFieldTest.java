package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.PartitionField.Transform;
import dev.ducklift.core.internal.LoadManifest;
import dev.ducklift.core.schema.DataType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionFieldTest {

  @Test
  void readsAColumnOrATransformOfAColumnAndPrintsItBack() {
    assertThat(PartitionField.parse("region")).isEqualTo(PartitionField.identity("region"));
    assertThat(PartitionField.parse(" Year( sold_at ) "))
        .isEqualTo(new PartitionField(Transform.YEAR, "sold_at"));
    assertThat(PartitionField.parse("identity(region)")).isEqualTo(PartitionField.parse("region"));
    for (String text : List.of("region", "year(ts)", "month(ts)", "day(ts)", "hour(ts)")) {
      assertThat(PartitionField.parse(text).toString()).isEqualTo(text);
    }
  }

  @Test
  void namesTheKeyWhenTheTransformIsUnknownOrTheTextMalformed() {
    assertThatThrownBy(() -> PartitionField.parse("week(ts)"))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Partition key 'week(ts)'")
        .hasMessageContaining("Unknown partition transform 'week'");
    assertThatThrownBy(() -> PartitionField.parse("year(ts"))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Partition key 'year(ts'");
    assertThatThrownBy(
            () -> ResourceSpec.builder("events").partitionBy("day(ts)", "day( ts )").build())
        .hasMessageContaining("Resource 'events' names partition key 'day(ts)' twice");
  }

  @Test
  void timeTransformsApplyOnlyToDatesAndTimestamps() {
    assertThat(Transform.YEAR.problemWith(DataType.TEXT))
        .isEqualTo("year does not apply to a column of type text (it needs a date or timestamp)");
    assertThat(Transform.HOUR.problemWith(DataType.DATE)).contains("it needs a timestamp");
    assertThat(Transform.DAY.problemWith(DataType.DATE)).isNull();
    assertThat(Transform.HOUR.problemWith(DataType.TIMESTAMPTZ)).isNull();
    assertThat(Transform.IDENTITY.problemWith(DataType.TEXT)).isNull();
    assertThat(Transform.IDENTITY.problemWith(DataType.list(DataType.TEXT))).isNotNull();
  }

  @Test
  void aStagedLoadKeepsItsPartitionHint() {
    LoadManifest m =
        new LoadManifest(
            "l1",
            "events",
            LoadManifest.STAGED,
            true,
            true,
            Map.of(),
            WriteDisposition.APPEND,
            List.of(),
            null,
            List.of(),
            0,
            0,
            List.of(),
            List.of(PartitionField.parse("year(ts)"), PartitionField.parse("region")));
    assertThat(LoadManifest.fromJson(m.toJson())).isEqualTo(m);
    LoadManifest plain =
        new LoadManifest(
            "l2",
            "events",
            LoadManifest.STAGED,
            true,
            true,
            Map.of(),
            WriteDisposition.APPEND,
            List.of(),
            null,
            List.of(),
            0,
            0,
            List.of());
    assertThat(plain.toJson()).doesNotContain("partition_by");
    assertThat(LoadManifest.fromJson(plain.toJson()).partitionBy()).isEmpty();
  }
}
