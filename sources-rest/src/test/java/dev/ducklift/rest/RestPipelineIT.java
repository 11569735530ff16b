package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.Secret;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REST resources run by the pipeline into the ingest-core DuckDB test destination: watermarks
 * across runs, insert-new and merge, a malformed page in the middle of a run, per-parent state.
 */
class RestPipelineIT {
  private static final String API_KEY = "key-31d9e0aa";
  private static final Pattern POSTS = Pattern.compile("/users/(\\d+)/posts");

  @TempDir Path dir;
  private MockWebServer server;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  /** The API's events, in id order: id, updated (a sequence number), value. */
  private final List<Object[]> events = new CopyOnWriteArrayList<>();

  /** Posts by user id: post id -> updated. */
  private final Map<Integer, TreeMap<Integer, Integer>> posts = new TreeMap<>();

  private volatile Integer malformedPage;

  @BeforeEach
  void start() throws Exception {
    server =
        Servers.start(
            r -> {
              requests.add(r);
              return route(r);
            });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private MockResponse route(RecordedRequest r) {
    int page = Integer.parseInt(r.getUrl().queryParameter("page"));
    if (!API_KEY.equals(r.getUrl().queryParameter("key"))) {
      return Servers.status(401);
    }
    if (malformedPage != null && page == malformedPage) {
      return json("{\"data\":[{\"id\":");
    }
    Matcher m = POSTS.matcher(r.getUrl().encodedPath());
    List<String> out = new ArrayList<>();
    if (r.getUrl().encodedPath().equals("/events")) {
      long since = Long.parseLong(r.getUrl().queryParameter("since"));
      for (Object[] e : events) {
        if ((int) e[1] >= since) {
          out.add(
              "{\"id\":"
                  + e[0]
                  + ",\"updated\":"
                  + e[1]
                  + ",\"value\":\""
                  + e[2]
                  + "\",\"tags\":[\"t"
                  + e[0]
                  + "\"]}");
        }
      }
    } else if (r.getUrl().encodedPath().equals("/users")) {
      posts.keySet().forEach(u -> out.add("{\"id\":" + u + "}"));
    } else if (m.matches()) {
      long since = Long.parseLong(r.getUrl().queryParameter("since"));
      posts
          .get(Integer.parseInt(m.group(1)))
          .forEach(
              (id, updated) -> {
                if (updated >= since) {
                  out.add("{\"id\":" + id + ",\"updated\":" + updated + "}");
                }
              });
    }
    // Pages of 3, sorted by updated (the API's order).
    int from = Math.min(out.size(), (page - 1) * 3);
    List<String> slice = out.subList(from, Math.min(out.size(), from + 3));
    return json("{\"data\":[" + String.join(",", slice) + "]}");
  }

  private RestSource source(WriteDisposition disposition) {
    return RestSource.builder("api")
        .client(
            Servers.client(server)
                .auth(RestAuth.apiKey("key", Secret.of(API_KEY), RestAuth.ApiKey.Location.QUERY))
                .paginator(Paginator.pageNumber())
                .build())
        .resource(
            RestResourceConfig.builder("events")
                .endpoint(
                    Endpoint.builder()
                        .path("events")
                        .param("since", "{incremental.start_value}")
                        .build())
                .primaryKey("id")
                .writeDisposition(disposition)
                .incremental(Incremental.on("updated").withInitialValue(CursorValue.of(0)))
                .build())
        .build();
  }

  private Pipeline pipeline(RestSource source, DuckDbTestDestination destination) {
    return Pipeline.builder("rest_e2e")
        .workingDirectory(dir.resolve("work"))
        .destination(destination)
        .source(source)
        .checkpointEveryPages(1)
        .build();
  }

  private List<Long> sinceParams(String path) {
    return requests.stream()
        .filter(
            r ->
                r.getUrl().encodedPath().equals(path)
                    && "1".equals(r.getUrl().queryParameter("page")))
        .map(r -> Long.parseLong(r.getUrl().queryParameter("since")))
        .toList();
  }

  private void addEvent(int id, int updated, String value) {
    events.removeIf(e -> (int) e[0] == id);
    events.add(new Object[] {id, updated, value});
    events.sort((a, b) -> Integer.compare((int) a[1], (int) b[1]));
  }

  @Test
  void insertNewLoadsOnlyNewRowsAcrossRuns() throws Exception {
    for (int i = 1; i <= 7; i++) {
      addEvent(i, i, "v" + i);
    }
    DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
    try (Pipeline pipeline = pipeline(source(WriteDisposition.INSERT_NEW), lake)) {
      pipeline.run();
      assertThat(lake.count("events")).isEqualTo(7);
      addEvent(8, 8, "v8");
      addEvent(9, 9, "v9");
      RunResult second = pipeline.run();
      // The second run starts at the watermark; the event at the watermark is re-read and skipped.
      assertThat(sinceParams("/events")).containsExactly(0L, 7L);
      assertThat(second.table("events").orElseThrow().rowsInserted()).isEqualTo(2);
      assertThat(lake.count("events")).isEqualTo(9);
      assertThat(lake.scalar("SELECT count(DISTINCT id) FROM events")).isEqualTo(9L);
      assertThat(lake.count("events__tags")).isEqualTo(9);
      assertThat(second.toJsonNode().toString()).doesNotContain(API_KEY);
    }
  }

  @Test
  void mergeReplacesChangedRowsByPrimaryKey() throws Exception {
    for (int i = 1; i <= 5; i++) {
      addEvent(i, i, "a");
    }
    DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
    try (Pipeline pipeline = pipeline(source(WriteDisposition.MERGE), lake)) {
      pipeline.run();
      addEvent(2, 10, "b");
      addEvent(6, 11, "a");
      pipeline.run();
      List<Map<String, Object>> rows =
          lake.query("SELECT id, value, updated FROM events ORDER BY id");
      assertThat(rows).hasSize(6);
      assertThat(rows.get(1)).containsEntry("value", "b").containsEntry("updated", 10L);
      assertThat(lake.scalar("SELECT count(*) FROM events WHERE value = 'a'")).isEqualTo(5L);
    }
  }

  @Test
  void aMalformedPageFailsTheRunKeepingEarlierPagesAndTheNextRunResumes() throws Exception {
    for (int i = 1; i <= 8; i++) {
      addEvent(i, i, "v" + i);
    }
    malformedPage = 2;
    DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
    try (Pipeline pipeline = pipeline(source(WriteDisposition.INSERT_NEW), lake)) {
      Throwable error = catchThrowable(pipeline::run);
      assertThat(error)
          .hasMessageContaining("Resource 'events' page 2")
          .hasMessageContaining("is not valid JSON");
      assertThat(Redaction.chainText(error)).doesNotContain(API_KEY);
      malformedPage = null;
      RunResult resumed = pipeline.run();
      assertThat(resumed.resumedLoads()).hasSize(1);
      // Page 1 (events 1-3) was checkpointed and promoted; the new load starts at its watermark.
      assertThat(sinceParams("/events")).containsExactly(0L, 3L);
      assertThat(lake.count("events")).isEqualTo(8);
      assertThat(lake.scalar("SELECT count(DISTINCT id) FROM events")).isEqualTo(8L);
    }
  }

  @Test
  void childResourcesKeepOneWatermarkPerParentAcrossRuns() throws Exception {
    posts.put(1, new TreeMap<>(Map.of(101, 1, 102, 2)));
    posts.put(2, new TreeMap<>(Map.of(201, 5)));
    RestSource source =
        RestSource.builder("blog")
            .client(
                Servers.client(server)
                    .auth(
                        RestAuth.apiKey("key", Secret.of(API_KEY), RestAuth.ApiKey.Location.QUERY))
                    .paginator(Paginator.pageNumber())
                    .maxConcurrency(2)
                    .build())
            .resource(RestResourceConfig.builder("users").path("users").primaryKey("id").build())
            .resource(
                RestResourceConfig.builder("posts")
                    .endpoint(
                        Endpoint.builder()
                            .path("users/{resources.users.id}/posts")
                            .param("since", "{incremental.start_value}")
                            .build())
                    .primaryKey("id")
                    .includeFromParent("id")
                    .incremental(Incremental.on("updated").withInitialValue(CursorValue.of(0)))
                    .build())
            .build();
    DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
    try (Pipeline pipeline = pipeline(source, lake)) {
      pipeline.run();
      var watermarks = pipeline.state().resource("posts").watermarks();
      assertThat(watermarks)
          .containsEntry("1", CursorValue.of(2))
          .containsEntry("2", CursorValue.of(5));
      posts.get(1).put(103, 3);
      pipeline.run();
      assertThat(lake.count("posts")).isEqualTo(4);
      assertThat(lake.scalar("SELECT count(*) FROM posts WHERE _users_id = 1")).isEqualTo(3L);
    }
    Map<String, List<Long>> since = new TreeMap<>();
    for (RecordedRequest r : requests) {
      Matcher m = POSTS.matcher(r.getUrl().encodedPath());
      if (m.matches() && "1".equals(r.getUrl().queryParameter("page"))) {
        since
            .computeIfAbsent(m.group(1), k -> new ArrayList<>())
            .add(Long.parseLong(r.getUrl().queryParameter("since")));
      }
    }
    assertThat(since).containsEntry("1", List.of(0L, 2L)).containsEntry("2", List.of(0L, 5L));
  }
}
