package dev.ducklift.samples.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Secret;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.rest.Endpoint;
import dev.ducklift.rest.Paginator;
import dev.ducklift.rest.RestAuth;
import dev.ducklift.rest.RestClientConfig;
import dev.ducklift.rest.RestResourceConfig;
import dev.ducklift.rest.RestSource;
import java.nio.file.Path;
import java.time.OffsetDateTime;

/**
 * The REST sample's pipeline as a YAML config: the bundled {@link TicketsApi} read with bearer
 * auth, link pagination and an incremental {@code updated_at} cursor, merged by ticket id (an
 * updated ticket replaces its earlier version; its comments land in child table {@code
 * tickets__comments}).
 */
public final class TicketsPipeline {

  /** The pipeline name. */
  public static final String NAME = "tickets";

  /** The secret reference the config uses for the API token (a key of its secrets file). */
  public static final String TOKEN_REFERENCE = "secrets:tickets_api_token";

  private TicketsPipeline() {}

  /** The same pipeline in the Java DSL. */
  public static Pipeline.Builder builder(
      String baseUrl, Secret token, Path workingDirectory, Destination destination) {
    RestSource helpdesk =
        RestSource.builder("helpdesk")
            .client(
                RestClientConfig.builder(baseUrl)
                    .auth(RestAuth.bearer(token))
                    .paginator(Paginator.jsonLink("next"))
                    .build())
            .resource(
                RestResourceConfig.builder("tickets")
                    .primaryKey("id")
                    .writeDisposition(WriteDisposition.MERGE)
                    .endpoint(
                        Endpoint.builder()
                            .path("tickets")
                            .param("per_page", "25")
                            .param("updated_since", "{incremental.start_value}")
                            .dataSelector("data")
                            .build())
                    .incremental(
                        Incremental.on("updated_at")
                            .withInitialValue(
                                CursorValue.of(OffsetDateTime.parse("2020-01-01T00:00:00Z"))))
                    .build())
            .build();
    return Pipeline.builder(NAME)
        .workingDirectory(workingDirectory)
        .source(helpdesk)
        .destination(destination);
  }

  /**
   * The YAML config of the pipeline.
   *
   * @param baseUrl the API's base URL ({@link TicketsApi#baseUrl()})
   * @param workingDirectory the pipeline's working directory (staging and state)
   * @param secretsFile a secrets file (YAML) with the key {@code tickets_api_token}
   * @param destination the destination node (JSON, valid YAML flow style)
   */
  public static String yaml(
      String baseUrl, String workingDirectory, String secretsFile, JsonNode destination) {
    return """
        name: %s
        working_directory: "%s"
        secrets_file: "%s"
        destination: %s
        sources:
          - name: helpdesk
            type: rest_api
            client:
              base_url: "%s"
              auth: {type: bearer, token: "%s"}
              paginator: {type: json_link, next_url_path: next}
            resources:
              - name: tickets
                primary_key: id
                write_disposition: merge
                endpoint:
                  path: tickets
                  params: {per_page: "25", updated_since: "{incremental.start_value}"}
                  data_selector: data
                incremental:
                  cursor_path: updated_at
                  initial_value: "2020-01-01T00:00:00Z"
        """
        .formatted(
            NAME, workingDirectory, secretsFile, destination.toString(), baseUrl, TOKEN_REFERENCE);
  }
}
