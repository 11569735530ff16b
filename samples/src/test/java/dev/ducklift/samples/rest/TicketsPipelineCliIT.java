package dev.ducklift.samples.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.samples.cli.CliRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST sample's YAML config ({@link TicketsPipeline#yaml}) run through {@code ducklift run}
 * against the bundled {@link TicketsApi}, into a DuckLake with a DuckDB-file catalog.
 */
class TicketsPipelineCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "tk-live-8f3a1c9e77d2";
  private static final int TICKETS = 60;

  @TempDir Path dir;

  @Test
  void theTicketsConfigLoadsEveryTicketOnceAndARerunAddsNoDuplicates() throws Exception {
    try (TicketsApi api = TicketsApi.start(TICKETS, TOKEN, 42)) {
      Served served = served(api);
      assertThat(served.ids()).hasSize(TICKETS);

      Path secrets = dir.resolve("secrets.yaml");
      Files.writeString(secrets, "tickets_api_token: \"" + TOKEN + "\"\n");
      ObjectNode destination =
          JsonNodeFactory.instance
              .objectNode()
              .put("type", "ducklake")
              .put("catalog", "lake/catalog.ducklake")
              .put("data_path", "lake/data");
      String config =
          TicketsPipeline.yaml(api.baseUrl(), "work/tickets", secrets.toString(), destination);
      assertThat(config).doesNotContain(TOKEN).contains(TicketsPipeline.TOKEN_REFERENCE);
      Files.writeString(dir.resolve("tickets.yaml"), config);

      CliRunner.Result first = CliRunner.run(dir, "run", "tickets.yaml", "--progress", "plain");
      assertThat(first.code()).as(first.toString()).isZero();
      JsonNode result = JSON.readTree(first.out());
      assertThat(result.get("status").asText()).isEqualTo("success");
      assertThat(result.at("/rows_by_table/tickets").asLong()).isEqualTo(TICKETS);
      assertThat(result.at("/rows_by_table/tickets__comments").asLong())
          .isEqualTo(served.comments());
      assertThat(result.at("/rows_by_table/tickets__tags").asLong()).isEqualTo(served.tags());
      List<String> lakeTables = new ArrayList<>();
      result.get("lake_tables").forEach(t -> lakeTables.add(t.asText()));
      assertThat(lakeTables).contains("tickets", "tickets__comments", "tickets__tags");
      assertLakeHolds(served);

      CliRunner.Result second = CliRunner.run(dir, "run", "tickets.yaml", "--progress", "plain");
      assertThat(second.code()).as(second.toString()).isZero();
      JsonNode again = JSON.readTree(second.out());
      assertThat(again.get("status").asText()).isEqualTo("success");
      // Nothing changed at the API: the incremental cursor refetches at most the boundary ticket,
      // which the merge replaces rather than inserts.
      assertThat(again.at("/rows_by_table/tickets").asLong()).isZero();
      assertLakeHolds(served);

      for (CliRunner.Result r : List.of(first, second)) {
        assertThat(r.out()).doesNotContain(TOKEN);
        assertThat(r.err()).doesNotContain(TOKEN);
      }
    }
  }

  private void assertLakeHolds(Served served) throws Exception {
    JsonNode tickets =
        query("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM tickets").get(0);
    assertThat(tickets.get(0).asLong()).isEqualTo(served.ids().size());
    assertThat(tickets.get(1).asLong()).isEqualTo(served.ids().size());
    assertThat(tickets.get(2).asLong()).isEqualTo(served.ids().first());
    assertThat(tickets.get(3).asLong()).isEqualTo(served.ids().last());
    List<Long> ids = new ArrayList<>();
    for (JsonNode row : query("SELECT id FROM tickets ORDER BY id")) {
      ids.add(row.get(0).asLong());
    }
    assertThat(ids).containsExactlyElementsOf(served.ids());
    assertThat(query("SELECT count(*) FROM tickets__comments").get(0).get(0).asLong())
        .isEqualTo(served.comments());
    assertThat(query("SELECT count(*) FROM tickets__tags").get(0).get(0).asLong())
        .isEqualTo(served.tags());
  }

  private JsonNode query(String sql) throws Exception {
    CliRunner.Result r = CliRunner.run(dir, "query", "--lake", "lake", "--json", sql);
    assertThat(r.code()).as(r.toString()).isZero();
    return JSON.readTree(r.out()).get("rows");
  }

  /** What the API serves, read page by page over HTTP, independently of the pipeline. */
  private static Served served(TicketsApi api) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    TreeSet<Long> ids = new TreeSet<>();
    long comments = 0;
    long tags = 0;
    String url = api.baseUrl() + "/tickets?per_page=100";
    while (url != null) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.body());
      for (JsonNode ticket : body.get("data")) {
        ids.add(ticket.get("id").asLong());
        comments += ticket.get("comments").size();
        tags += ticket.get("tags").size();
      }
      url = body.get("next").isNull() ? null : body.get("next").asText();
    }
    return new Served(ids, comments, tags);
  }

  private record Served(TreeSet<Long> ids, long comments, long tags) {}
}
