package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigIT {

  @TempDir Path dir;

  private static final String YAML =
      """
      name: shop
      working_directory: state/shop
      checkpoint_every: 1000
      secrets_file: secrets.yaml
      sources:
        - name: inline
          type: test_records
          token: secrets:api.token
          resources:
            - name: orders
              primary_key: [id]
              write_disposition: merge
              records:
                - {id: 1, customer: {name: Ada}, items: [{sku: A}, {sku: B}]}
                - {id: 2, customer: {name: Linus}, items: []}
      """;

  @Test
  void aYamlConfigBuildsThePipelineTheDslWouldBuild() throws Exception {
    Files.writeString(dir.resolve("pipeline.yaml"), YAML);
    Files.writeString(dir.resolve("secrets.yaml"), "api:\n  token: s3cr3t-token\n");

    PipelineConfig config = PipelineConfig.load(dir.resolve("pipeline.yaml"));
    assertThat(config.name()).isEqualTo("shop");
    assertThat(config.workingDirectory()).isEqualTo(dir.resolve("state/shop"));
    assertThat(config.checkpointEvery()).isEqualTo(1000);

    try (DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("config-lake.duckdb"));
        Pipeline fromConfig = config.toBuilder(lake).build()) {
      assertThat(fromConfig.resources()).extracting(r -> r.spec().name()).containsExactly("orders");
      assertThat(fromConfig.resources().get(0).spec().writeDisposition())
          .isEqualTo(WriteDisposition.MERGE);
      fromConfig.run();

      // The same pipeline written with the DSL lands the same rows.
      ResourceSpec spec =
          ResourceSpec.builder("orders")
              .primaryKey("id")
              .writeDisposition(WriteDisposition.MERGE)
              .build();
      List<Map<String, Object>> records =
          List.of(
              Map.of(
                  "id",
                  1,
                  "customer",
                  Map.of("name", "Ada"),
                  "items",
                  List.of(Map.of("sku", "A"), Map.of("sku", "B"))),
              Map.of("id", 2, "customer", Map.of("name", "Linus"), "items", List.of()));
      try (DuckDbTestDestination dslLake =
              new DuckDbTestDestination(dir.resolve("dsl-lake.duckdb"));
          Pipeline fromDsl =
              Pipeline.builder("shop")
                  .workingDirectory(dir.resolve("dsl-work"))
                  .destination(dslLake)
                  .resource(Resources.ofRecords(spec, records, 100))
                  .build()) {
        fromDsl.run();
        String query = "SELECT id, customer__name, _dl_id FROM orders ORDER BY id";
        assertThat(lake.query(query)).isEqualTo(dslLake.query(query));
        String items = "SELECT sku, _dl_parent_id, _dl_list_idx FROM orders__items ORDER BY sku";
        assertThat(lake.query(items)).isEqualTo(dslLake.query(items)).hasSize(2);
      }
    }
  }

  @Test
  void anUnknownSourceTypeNamesTheSourceAndTheKnownTypes() {
    PipelineConfig config =
        PipelineConfig.parse(
            "name: x\nsources:\n  - name: api\n    type: nope\n",
            dir,
            Secrets.of(Map.of(), Map.of()));
    assertThatThrownBy(config::createSources)
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("Source 'api'")
        .hasMessageContaining("nope")
        .hasMessageContaining("test_records");
  }

  @Test
  void aJsonConfigWithoutANameIsRejected() {
    assertThatThrownBy(() -> PipelineConfig.parse("{\"sources\": []}", dir, null))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("'name'");
  }

  @Test
  void aConfigWithoutADestinationSaysSo() {
    PipelineConfig config = PipelineConfig.parse("name: x\n", dir, null);
    assertThat(config.destinationConfig()).isEmpty();
    assertThatThrownBy(config::createDestination).hasMessageContaining("declares no destination");
  }
}
