package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ducklift.core.internal.LoadManifest;
import dev.ducklift.core.schema.Column;
import dev.ducklift.core.schema.DataType;
import dev.ducklift.core.schema.TableSchema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeHintsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static JsonNode yaml(String text) throws Exception {
    return YAML.readTree(text);
  }

  @Test
  void yamlKeysBuildTheSameHintsAsTheJavaBuilder() throws Exception {
    MergeHints fromYaml =
        MergeHints.fromConfig(
            yaml(
                "merge_strategy: scd2\n"
                    + "merge_key: [day]\n"
                    + "hard_delete: deleted\n"
                    + "dedup_sort: {lsn: desc, seq: asc}\n"
                    + "exclude_from_version_hash: [seen_at]\n"
                    + "boundary_timestamp: 2024-01-01T00:00:00Z\n"),
            "Resource 'r'");
    MergeHints built =
        MergeHints.builder()
            .strategy(MergeStrategy.SCD2)
            .mergeKey("day")
            .hardDelete("deleted")
            .dedupSort("lsn", true)
            .dedupSort("seq", false)
            .excludeFromVersionHash("seen_at")
            .boundaryTimestamp(Instant.parse("2024-01-01T00:00:00Z"))
            .build();
    assertThat(fromYaml).isEqualTo(built);
    ObjectNode written = new ObjectMapper().createObjectNode();
    built.writeConfig(written);
    assertThat(MergeHints.fromConfig(written, "manifest")).isEqualTo(built);
  }

  @Test
  void aMergeKeyAloneMeansDeleteInsert() throws Exception {
    assertThat(MergeHints.fromConfig(yaml("merge_key: day\n"), "r").strategy())
        .isEqualTo(MergeStrategy.DELETE_INSERT);
    assertThat(MergeHints.NONE.strategy()).isEqualTo(MergeStrategy.UPSERT);
  }

  @Test
  void badYamlValuesNameTheResourceAndTheHint() {
    assertThatThrownBy(
            () -> MergeHints.fromConfig(yaml("dedup_sort: {lsn: newest}\n"), "Resource 'r'"))
        .hasMessageContaining("Resource 'r'")
        .hasMessageContaining("dedup_sort of column 'lsn'");
    assertThatThrownBy(() -> MergeHints.fromConfig(yaml("merge_strategy: upsertt\n"), "r"))
        .hasMessageContaining("Unknown merge strategy 'upsertt'");
    assertThatThrownBy(() -> MergeHints.fromConfig(yaml("boundary_timestamp: yesterday\n"), "r"))
        .hasMessageContaining("boundary_timestamp 'yesterday'");
  }

  @Test
  void hintsThatContradictTheDeclarationAreRefusedWhenTheSpecIsBuilt() {
    assertThatThrownBy(
            () ->
                ResourceSpec.builder("events")
                    .primaryKey("id")
                    .writeDisposition(WriteDisposition.APPEND)
                    .merge(MergeHints.builder().hardDelete("deleted").build())
                    .build())
        .hasMessageContaining("Resource 'events'")
        .hasMessageContaining("hard_delete needs write_disposition merge");
    assertThatThrownBy(
            () ->
                ResourceSpec.builder("events")
                    .writeDisposition(WriteDisposition.MERGE)
                    .incremental(Incremental.on("ts"))
                    .merge(MergeHints.builder().strategy(MergeStrategy.SCD2).build())
                    .build())
        .hasMessageContaining("Resource 'events'")
        .hasMessageContaining("scd2 on an incremental resource needs a primary_key or a merge_key");
    assertThatThrownBy(
            () ->
                ResourceSpec.builder("events")
                    .writeDisposition(WriteDisposition.MERGE)
                    .merge(MergeHints.builder().strategy(MergeStrategy.DELETE_INSERT).build())
                    .build())
        .hasMessageContaining("delete-insert needs a merge_key");
    assertThatThrownBy(
            () ->
                ResourceSpec.builder("events")
                    .primaryKey("id")
                    .writeDisposition(WriteDisposition.MERGE)
                    .column(new ColumnHint("gone", DataType.TEXT, false))
                    .merge(MergeHints.builder().hardDelete("gone").build())
                    .build())
        .hasMessageContaining("hard_delete column 'gone' must be boolean or nullable");
    // delete-insert and scd2 need no primary key
    assertThat(
            ResourceSpec.builder("sales")
                .writeDisposition(WriteDisposition.MERGE)
                .merge(MergeHints.builder().mergeKey("day").build())
                .build()
                .merge()
                .strategy())
        .isEqualTo(MergeStrategy.DELETE_INSERT);
  }

  @Test
  void columnsNamedByHintsAreCheckedAgainstTheStagedRootTable() {
    TableSchema root =
        new TableSchema(
            "orders",
            null,
            List.of(
                Column.of("id", DataType.BIGINT),
                Column.of("lsn", DataType.BIGINT),
                new Column("op", DataType.TEXT, false)));
    assertThatThrownBy(
            () -> MergeHints.builder().mergeKey("day").build().checkColumns("Resource 'o'", root))
        .hasMessageContaining(
            "Resource 'o': merge_key column 'day' is not a column of table 'orders'");
    assertThatThrownBy(
            () ->
                MergeHints.builder()
                    .dedupSort("seq", true)
                    .build()
                    .checkColumns("Resource 'o'", root))
        .hasMessageContaining("dedup_sort column 'seq'");
    assertThatThrownBy(
            () -> MergeHints.builder().hardDelete("op").build().checkColumns("Resource 'o'", root))
        .hasMessageContaining(
            "hard_delete column 'op' of table 'orders' must be boolean or nullable");
    TableSchema own =
        new TableSchema("orders", null, List.of(Column.of(MergeHints.VALID_FROM, DataType.TEXT)));
    assertThatThrownBy(
            () ->
                MergeHints.builder()
                    .strategy(MergeStrategy.SCD2)
                    .build()
                    .checkColumns("Resource 'o'", own))
        .hasMessageContaining("source column named _dl_valid_from");
    // a hard-delete column no staged row had deletes nothing
    MergeHints.builder().hardDelete("deleted").build().checkColumns("Resource 'o'", root);
  }

  @Test
  void aStagedLoadKeepsItsHintsAndStartTimeAcrossTheJournal() {
    MergeHints hints = MergeHints.builder().hardDelete("deleted").dedupSort("lsn", true).build();
    Instant started = Instant.parse("2024-05-01T10:00:00.123Z");
    LoadManifest m =
        new LoadManifest(
            "l1",
            "orders",
            LoadManifest.STAGED,
            true,
            true,
            Map.of(),
            WriteDisposition.MERGE,
            List.of("id"),
            null,
            List.of(),
            0,
            0,
            List.of(),
            List.of(),
            hints,
            started);
    LoadManifest back = LoadManifest.fromJson(m.toJson());
    assertThat(back.merge()).isEqualTo(hints);
    assertThat(back.startedAt()).isEqualTo(started);
  }
}
