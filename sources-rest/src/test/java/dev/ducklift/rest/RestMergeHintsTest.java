package dev.ducklift.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ducklift.core.MergeHints;
import dev.ducklift.core.MergeStrategy;
import dev.ducklift.core.Resource;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretResolver;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Merge hints declared on REST resources, in YAML and in Java, reach the resource specs. */
class RestMergeHintsTest {
  private final SecretResolver secrets = reference -> Secret.of("x");

  private static JsonNode yaml(String text) throws Exception {
    return new ObjectMapper(new YAMLFactory()).readTree(text);
  }

  @Test
  void resourceAndDefaultMergeHintsInYamlReachTheResourceSpecs() throws Exception {
    JsonNode config =
        yaml(
            """
            client: {base_url: "http://127.0.0.1:1/"}
            resource_defaults:
              primary_key: id
              write_disposition: merge
              dedup_sort: {changed_at: desc}
            resources:
              - name: customers
                merge_strategy: scd2
                hard_delete: deleted
              - name: tickets
            """);
    try (RestSource source = new RestSourceFactory().create("crm", config, secrets, Path.of("."))) {
      MergeHints customers =
          MergeHints.builder().strategy(MergeStrategy.SCD2).hardDelete("deleted").build();
      MergeHints defaults = MergeHints.builder().dedupSort("changed_at", true).build();
      assertThat(source.resources().stream().map(Resource::spec).map(s -> s.merge()))
          .containsExactly(customers, defaults);
      RestResourceConfig java =
          RestResourceConfig.builder("customers")
              .merge(customers)
              .build()
              .withDefaults(source.resourceDefaults());
      assertThat(source.resourceConfigs().get(0).merge()).isEqualTo(java.merge());
    }
  }

  @Test
  void aHardDeleteWithoutMergeIsRefusedNamingTheResource() throws Exception {
    JsonNode config =
        yaml(
            """
            client: {base_url: "http://127.0.0.1:1/"}
            resources:
              - name: events
                hard_delete: deleted
            """);
    assertThatThrownBy(
            () -> new RestSourceFactory().create("crm", config, secrets, Path.of(".")).close())
        .hasMessageContaining("Resource 'events'")
        .hasMessageContaining("hard_delete needs write_disposition merge");
  }
}
