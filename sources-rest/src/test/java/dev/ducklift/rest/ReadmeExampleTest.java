package dev.ducklift.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.WriteDisposition;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The two declarations of the README's REST section build equal sources. */
class ReadmeExampleTest {
  private final SecretResolver secrets = reference -> Secret.of("ghp_" + reference.length());

  private RestSource fromJava() {
    return RestSource.builder("github")
        .client(
            RestClientConfig.builder("https://api.github.com/repos/acme/app/")
                .auth(RestAuth.bearer(secrets.resolve("env:GITHUB_TOKEN")))
                .paginator(Paginator.headerLink())
                .requestsPerSecond(10)
                .build())
        .resourceDefaults(RestResourceConfig.defaults().primaryKey("id").build())
        .resource(
            RestResourceConfig.builder("issues")
                .endpoint(
                    Endpoint.builder()
                        .path("issues")
                        .param("since", "{incremental.start_value}")
                        .param("state", "all")
                        .build())
                .incremental(
                    Incremental.on("updated_at")
                        .withInitialValue(CursorValue.of(Instant.parse("2024-01-01T00:00:00Z")))
                        .withLag(Duration.ofMinutes(10)))
                .writeDisposition(WriteDisposition.MERGE)
                .build())
        .resource(
            RestResourceConfig.builder("comments")
                .path("issues/{resources.issues.number}/comments")
                .includeFromParent("number")
                .build())
        .build();
  }

  private static final String YAML =
      """
      sources:
        - name: github
          type: rest_api
          client:
            base_url: https://api.github.com/repos/acme/app/
            auth: {type: bearer, token: env:GITHUB_TOKEN}
            paginator: header_link
            requests_per_second: 10
            retry: {max_attempts: 5, initial_backoff: 1s, max_backoff: 60s, resource_deadline: 1h}
          resource_defaults:
            primary_key: id
          resources:
            - name: issues
              write_disposition: merge
              endpoint:
                path: issues
                params: {since: "{incremental.start_value}", state: all}
              incremental: {cursor_path: updated_at, initial_value: "2024-01-01T00:00:00Z", lag: 10m}
            - name: comments
              endpoint: "issues/{resources.issues.number}/comments"
              include_from_parent: [number]
      """;

  @Test
  void theJavaAndYamlExamplesBuildEqualSources() throws Exception {
    var entry = new ObjectMapper(new YAMLFactory()).readTree(YAML).get("sources").get(0);
    ((com.fasterxml.jackson.databind.node.ObjectNode) entry).remove("name");
    try (RestSource yaml = new RestSourceFactory().create("github", entry, secrets, Path.of("."));
        RestSource java = fromJava()) {
      assertThat(yaml.client()).isEqualTo(java.client());
      assertThat(yaml.resourceDefaults()).isEqualTo(java.resourceDefaults());
      assertThat(yaml.resourceConfigs()).isEqualTo(java.resourceConfigs());
    }
  }
}
