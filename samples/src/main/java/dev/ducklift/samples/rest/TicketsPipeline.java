package dev.ducklift.samples.rest;

import com.fasterxml.jackson.databind.JsonNode;

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
