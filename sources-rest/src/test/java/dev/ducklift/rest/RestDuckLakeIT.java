package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Pipeline;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.Secret;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.verify.LakeVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A REST API loaded into a DuckLake (DuckDB-file catalog) with insert-new and merge. */
class RestDuckLakeIT {
  private static final String TOKEN = "tok-5c0ffee9";

  @TempDir Path dir;
  private MockWebServer server;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  /** The API's orders, sorted by updated: id, updated, status, line skus. */
  private final List<Object[]> orders = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server =
        Servers.start(
            r -> {
              requests.add(r);
              if (!("Bearer " + TOKEN).equals(r.getHeaders().get("Authorization"))) {
                return Servers.status(401);
              }
              long since = Long.parseLong(r.getUrl().queryParameter("updated_since"));
              String cursor = r.getUrl().queryParameter("cursor");
              int from = cursor == null ? 0 : Integer.parseInt(cursor);
              List<String> matching = new ArrayList<>();
              for (Object[] o : orders) {
                if ((int) o[1] >= since) {
                  matching.add(
                      "{\"id\":"
                          + o[0]
                          + ",\"updated\":"
                          + o[1]
                          + ",\"status\":\""
                          + o[2]
                          + "\",\"total\":"
                          + o[0]
                          + ".50,\"lines\":[{\"sku\":\"A-"
                          + o[0]
                          + "\",\"qty\":1},{\"sku\":\"B-"
                          + o[0]
                          + "\",\"qty\":2}]}");
                }
              }
              int to = Math.min(matching.size(), from + 2);
              String next = to < matching.size() ? "\"" + to + "\"" : "null";
              return json(
                  "{\"orders\":["
                      + String.join(",", matching.subList(from, to))
                      + "],\"next_cursor\":"
                      + next
                      + "}");
            });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void upsert(int id, int updated, String status) {
    orders.removeIf(o -> (int) o[0] == id);
    orders.add(new Object[] {id, updated, status});
    orders.sort((a, b) -> Integer.compare((int) a[1], (int) b[1]));
  }

  private Pipeline pipeline(WriteDisposition disposition) {
    RestSource source =
        RestSource.builder("shop")
            .client(Servers.client(server).auth(RestAuth.bearer(Secret.of(TOKEN))).build())
            .resource(
                RestResourceConfig.builder("orders")
                    .endpoint(
                        Endpoint.builder()
                            .path("orders")
                            .param("updated_since", "{incremental.start_value}")
                            .build())
                    .primaryKey("id")
                    .writeDisposition(disposition)
                    .incremental(Incremental.on("updated").withInitialValue(CursorValue.of(0)))
                    .build())
            .build();
    return Pipeline.builder("shop_lake")
        .workingDirectory(dir.resolve("work"))
        .destination(
            DuckLakeDestination.builder()
                .catalog(CatalogLocation.duckdb(dir.resolve("lake/catalog.ducklake")))
                .dataPath(dir.resolve("lake/data"))
                .build())
        .source(source)
        .build();
  }

  private List<String> lakeRows(String sql) {
    try (DuckLake lake =
            DuckLake.open(
                CatalogLocation.duckdb(dir.resolve("lake/catalog.ducklake")),
                dir.resolve("lake/data"));
        LakeReader reader = LakeReader.open(lake)) {
      assertThat(LakeVerifier.verify(reader).problems()).isEmpty();
      try (LakeSession session = reader.latest()) {
        List<String> out = new ArrayList<>();
        for (List<Object> row : session.sql(sql).rows()) {
          out.add(String.join("|", row.stream().map(Objects::toString).toList()));
        }
        return out;
      }
    }
  }

  private void assertTokenNeverInTheLake() throws Exception {
    try (Stream<Path> files = Files.walk(dir.resolve("lake"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain(TOKEN);
      }
    }
  }

  @Test
  void insertNewAddsOnlyUnseenOrdersToTheLake() throws Exception {
    for (int i = 1; i <= 5; i++) {
      upsert(i, i, "new");
    }
    try (Pipeline pipeline = pipeline(WriteDisposition.INSERT_NEW)) {
      RunResult first = pipeline.run();
      upsert(6, 6, "new");
      upsert(7, 7, "new");
      RunResult second = pipeline.run();
      assertThat(second.table("orders").orElseThrow().rowsInserted()).isEqualTo(2);
      assertThat(first.snapshotIds()).hasSize(1);
      assertThat(second.snapshotIds()).hasSize(1).doesNotContainAnyElementsOf(first.snapshotIds());
    }
    // Totals (id + 0.50) are doubles by default, exact for halves.
    assertThat(lakeRows("SELECT id, status, total = id + 0.5 FROM main.orders ORDER BY id"))
        .containsExactly(
            "1|new|true",
            "2|new|true",
            "3|new|true",
            "4|new|true",
            "5|new|true",
            "6|new|true",
            "7|new|true");
    assertThat(lakeRows("SELECT count(*) FROM main.orders__lines")).containsExactly("14");
    // The second run started at the watermark (5) and skipped the order it re-read.
    assertThat(
            requests.stream()
                .filter(r -> r.getUrl().queryParameter("cursor") == null)
                .map(r -> r.getUrl().queryParameter("updated_since"))
                .toList())
        .containsExactly("0", "5");
    assertTokenNeverInTheLake();
  }

  @Test
  void mergeReplacesChangedOrdersAndTheirLines() throws Exception {
    for (int i = 1; i <= 4; i++) {
      upsert(i, i, "new");
    }
    try (Pipeline pipeline = pipeline(WriteDisposition.MERGE)) {
      pipeline.run();
      upsert(2, 10, "shipped");
      upsert(5, 11, "new");
      pipeline.run();
    }
    assertThat(lakeRows("SELECT id, status FROM main.orders ORDER BY id"))
        .containsExactly("1|new", "2|shipped", "3|new", "4|new", "5|new");
    assertThat(lakeRows("SELECT count(*) FROM main.orders__lines")).containsExactly("10");
    assertTokenNeverInTheLake();
  }
}
