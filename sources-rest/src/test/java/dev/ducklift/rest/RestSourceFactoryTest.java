package dev.ducklift.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Secret;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.spi.SourceFactory;
import dev.ducklift.rest.internal.Json;
import dev.ducklift.rest.internal.RestResource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RestSourceFactoryTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final SecretResolver SECRETS =
      reference -> {
        if (reference.equals("env:CLIENT_SECRET")) {
          return Secret.of("cs-from-env");
        }
        throw new DuckliftException("Secret reference '" + reference + "' cannot be resolved");
      };

  private static final String CONFIG =
      """
      type: rest_api
      client:
        base_url: https://api.example.com/v2
        headers: {Accept: application/json}
        auth:
          type: oauth2_client_credentials
          token_url: https://auth.example.com/token
          client_id: app-1
          client_secret: env:CLIENT_SECRET
          scope: read
          refresh_margin: 30s
        paginator: {type: json_link, next_url_path: links.next}
        retry: {max_attempts: 4, initial_backoff: 200ms, max_backoff: 10s, jitter: 0.1, resource_deadline: 20m}
        requests_per_second: 5
        read_timeout: PT30S
        max_concurrency: 3
      resource_defaults:
        primary_key: id
        write_disposition: merge
        partition_by: [month(created_at)]
        endpoint:
          params: {per_page: "100", lang: en}
          response_actions:
            - {status_code: 404, action: ignore}
      resources:
        - name: users
          endpoint:
            path: users
            params: {lang: fr, since: "{incremental.start_value}"}
            data_selector: "$.data['user list'][*]"
            paginator: {type: offset, limit: 50, total_path: meta.total}
          incremental:
            cursor_path: updated_at
            initial_value: "2024-01-01T00:00:00Z"
            lag: 1h
          row_order: asc
          partition_by: [year(updated_at), region]
          processing_steps:
            - filter: {path: status, equals: active}
            - map: {drop: [internal]}
            - map: {rename: {login: user_name}}
        - name: posts
          table_name: user_posts
          write_disposition: insert-new
          endpoint:
            path: "users/{resources.users.id}/posts"
            method: POST
            json: {filter: {user: "{resources.users.id}"}}
            headers: {X-Trace: "1"}
            paginator: {type: cursor, cursor_path: next, cursor_body_path: page.cursor}
          include_from_parent: [name]
        - tags
      """;

  private static RestSource dsl() {
    RestClientConfig client =
        RestClientConfig.builder("https://api.example.com/v2")
            .header("Accept", "application/json")
            .auth(
                RestAuth.oauth2ClientCredentials(
                        "https://auth.example.com/token", "app-1", Secret.of("cs-from-env"))
                    .scope("read")
                    .refreshMargin(Duration.ofSeconds(30))
                    .build())
            .paginator(Paginator.jsonLink("links.next"))
            .retry(
                new RetryConfig(
                    4, Duration.ofMillis(200), Duration.ofSeconds(10), 0.1, Duration.ofMinutes(20)))
            .requestsPerSecond(5)
            .readTimeout(Duration.ofSeconds(30))
            .maxConcurrency(3)
            .build();
    RestResourceConfig defaults =
        RestResourceConfig.defaults()
            .primaryKey("id")
            .writeDisposition(WriteDisposition.MERGE)
            .partitionBy("month(created_at)")
            .endpoint(
                Endpoint.builder()
                    .param("per_page", "100")
                    .param("lang", "en")
                    .responseAction(ResponseAction.onStatus(404, ResponseAction.Action.IGNORE))
                    .build())
            .build();
    RestResourceConfig users =
        RestResourceConfig.builder("users")
            .endpoint(
                Endpoint.builder()
                    .path("users")
                    .param("lang", "fr")
                    .param("since", "{incremental.start_value}")
                    .dataSelector("$.data['user list'][*]")
                    .paginator(Paginator.offset(50).withTotalPath("meta.total"))
                    .build())
            .incremental(
                Incremental.on("updated_at")
                    .withInitialValue(CursorValue.of(OffsetDateTime.parse("2024-01-01T00:00:00Z")))
                    .withLag(Duration.ofHours(1)))
            .rowOrder(RestResourceConfig.RowOrder.ASC)
            .partitionBy("year(updated_at)", "region")
            .processingStep(ProcessingStep.keepWhere("status", "active"))
            .processingStep(ProcessingStep.dropFields("internal"))
            .processingStep(ProcessingStep.renameFields(Map.of("login", "user_name")))
            .build();
    RestResourceConfig posts =
        RestResourceConfig.builder("posts")
            .tableName("user_posts")
            .writeDisposition(WriteDisposition.INSERT_NEW)
            .endpoint(
                Endpoint.builder()
                    .path("users/{resources.users.id}/posts")
                    .method("POST")
                    .json(
                        Json.MAPPER
                            .createObjectNode()
                            .set(
                                "filter",
                                Json.MAPPER.createObjectNode().put("user", "{resources.users.id}")))
                    .header("X-Trace", "1")
                    .paginator(Paginator.cursorBodyField("next", "page.cursor"))
                    .build())
            .includeFromParent("name")
            .build();
    return RestSource.builder("crm")
        .client(client)
        .resourceDefaults(defaults)
        .resource(users)
        .resource(posts)
        .resource(RestResourceConfig.builder("tags").path("tags").build())
        .build();
  }

  private static RestSource fromYaml(String yaml) throws Exception {
    return new RestSourceFactory().create("crm", YAML.readTree(yaml), SECRETS, Path.of("."));
  }

  @Test
  void yamlAndTheJavaDslBuildEqualDeclarations() throws Exception {
    try (RestSource yaml = fromYaml(CONFIG);
        RestSource java = dsl()) {
      assertThat(yaml.client()).isEqualTo(java.client());
      assertThat(yaml.resourceDefaults()).isEqualTo(java.resourceDefaults());
      assertThat(yaml.resourceConfigs()).isEqualTo(java.resourceConfigs());
      assertThat(yaml.resources().stream().map(r -> r.spec()).toList())
          .isEqualTo(java.resources().stream().map(r -> r.spec()).toList());
    }
  }

  @Test
  void partitionKeysComeFromTheResourceOrItsDefaults() throws Exception {
    try (RestSource yaml = fromYaml(CONFIG)) {
      assertThat(yaml.resources())
          .extracting(r -> r.spec().partitionBy().toString())
          .containsExactly(
              "[year(updated_at), region]", "[month(created_at)]", "[month(created_at)]");
    }
    String bad =
        CONFIG.replace(
            "partition_by: [year(updated_at), region]", "partition_by: [week(updated_at)]");
    assertThatThrownBy(() -> fromYaml(bad))
        .isInstanceOf(DuckliftException.class)
        .hasMessageContaining("resources[0].partition_by")
        .hasMessageContaining("Unknown partition transform 'week'");
  }

  @Test
  void aSourceEntryOfAPipelineConfigWithItsNameIsAccepted() throws Exception {
    // PipelineConfig hands the factory the whole source entry, name and type included.
    String entry = "name: crm\n" + CONFIG;
    try (RestSource named = fromYaml(entry);
        RestSource plain = fromYaml(CONFIG)) {
      assertThat(named.resourceConfigs()).isEqualTo(plain.resourceConfigs());
      assertThat(named.client()).isEqualTo(plain.client());
    }
  }

  @Test
  void jsonConfigBuildsTheSameDeclarationsAsYaml() throws Exception {
    JsonNode tree = YAML.readTree(CONFIG);
    JsonNode viaJson = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(tree));
    try (RestSource yaml = fromYaml(CONFIG);
        RestSource json = new RestSourceFactory().create("crm", viaJson, SECRETS, Path.of("."))) {
      assertThat(json.resourceConfigs()).isEqualTo(yaml.resourceConfigs());
      assertThat(json.client()).isEqualTo(yaml.client());
    }
  }

  @Test
  void endpointValuesWinOverResourceDefaultsWhichWinOverTheClient() throws Exception {
    try (RestSource source = fromYaml(CONFIG)) {
      var users = ((RestResource) source.resource("users")).plan();
      var tags = ((RestResource) source.resource("tags")).plan();
      assertThat(users.params()).containsEntry("lang", "fr").containsEntry("per_page", "100");
      assertThat(tags.params()).containsEntry("lang", "en").containsEntry("per_page", "100");
      assertThat(users.paginator()).isEqualTo(Paginator.offset(50).withTotalPath("meta.total"));
      assertThat(tags.paginator()).isEqualTo(Paginator.jsonLink("links.next"));
      assertThat(tags.responseActions())
          .containsExactly(ResponseAction.onStatus(404, ResponseAction.Action.IGNORE));
      var posts = source.resource("posts").spec();
      assertThat(posts.tableName()).isEqualTo("user_posts");
      assertThat(posts.primaryKey()).containsExactly("id");
      assertThat(posts.writeDisposition()).isEqualTo(WriteDisposition.INSERT_NEW);
      assertThat(source.resource("users").spec().writeDisposition())
          .isEqualTo(WriteDisposition.MERGE);
    }
  }

  @Test
  void theFactoryIsFoundThroughTheServiceLoader() {
    assertThat(ServiceLoader.load(SourceFactory.class).stream().map(ServiceLoader.Provider::get))
        .anyMatch(f -> f.type().equals("rest_api") && f instanceof RestSourceFactory);
  }

  @Test
  void unknownFieldsAndBadValuesAreReportedWithTheirPath() {
    assertThatThrownBy(() -> fromYaml(CONFIG.replace("data_selector:", "data_selectr:")))
        .hasMessageContaining("Source 'crm'")
        .hasMessageContaining("resources[0].endpoint.data_selectr is not a known field");
    assertThatThrownBy(() -> fromYaml(CONFIG.replace("limit: 50", "limit: fifty")))
        .hasMessageContaining("resources[0].endpoint.paginator.limit must be a number");
    assertThatThrownBy(() -> fromYaml(CONFIG.replace("lag: 1h", "lag: soon")))
        .hasMessageContaining("resources[0].incremental.lag is 'soon'");
    assertThatThrownBy(() -> fromYaml(CONFIG.replace("env:CLIENT_SECRET", "env:MISSING")))
        .hasMessageContaining("env:MISSING");
  }

  @Test
  void customPaginatorsAndAuthAreCreatedFromTheirClassNames() throws Exception {
    String yaml =
        """
        client:
          base_url: http://127.0.0.1:1
          auth: {type: custom, class: dev.ducklift.rest.AuthIT$SigningAuthFactory}
        resources:
          - name: items
            endpoint:
              path: items
              paginator: {type: custom, class: dev.ducklift.rest.PaginatorIT$SinceIdPaginator}
        """;
    try (RestSource source = fromYaml(yaml)) {
      assertThat(((RestResource) source.resource("items")).plan().paginator())
          .isEqualTo(new PaginatorIT.SinceIdPaginator());
      assertThat(source.client().auth()).isInstanceOf(AuthIT.SigningAuthFactory.class);
    }
  }
}
