package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PaginatorIT {
  private MockWebServer server;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    server.close();
  }

  private static String records(long from, long count) {
    StringBuilder sb = new StringBuilder("[");
    for (long i = 0; i < count; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"id\":").append(from + i).append('}');
    }
    return sb.append(']').toString();
  }

  private static List<Object> ids(long from, long count) {
    return LongStream.range(from, from + count).mapToObj(i -> (Object) (int) i).toList();
  }

  private Collected run(Paginator paginator, String path) throws Exception {
    RestResourceConfig r =
        RestResourceConfig.builder("items")
            .endpoint(Endpoint.builder().path(path).paginator(paginator).build())
            .build();
    try (RestSource source = Servers.source(Servers.client(server).build(), r)) {
      return Collected.extract(source.resource("items"));
    }
  }

  private void serve(java.util.function.Function<RecordedRequest, MockResponse> routes)
      throws Exception {
    server =
        Servers.start(
            request -> {
              requests.add(request);
              return routes.apply(request);
            });
  }

  @Test
  void followsNextUrlsInTheBody() throws Exception {
    serve(
        r -> {
          int page =
              Integer.parseInt(Optional.ofNullable(r.getUrl().queryParameter("p")).orElse("1"));
          String next = page < 3 ? "\"" + server.url("/items?p=" + (page + 1)) + "\"" : "null";
          return json(
              "{\"data\":" + records((page - 1) * 2L, 2) + ",\"links\":{\"next\":" + next + "}}");
        });
    Collected c = run(Paginator.jsonLink("links.next"), "items");
    assertThat(c.field("id")).isEqualTo(ids(0, 6));
    assertThat(c.pages).hasSize(3);
    assertThat(c.pages.get(2).description()).contains("p=3").contains("page 3");
  }

  @Test
  void followsRelativeNextUrls() throws Exception {
    serve(
        r -> {
          int page =
              Integer.parseInt(Optional.ofNullable(r.getUrl().queryParameter("p")).orElse("1"));
          String next = page < 2 ? "\"/items?p=" + (page + 1) + "\"" : "null";
          return json("{\"items\":" + records(page * 10L, 1) + ",\"next\":" + next + "}");
        });
    assertThat(run(Paginator.jsonLink("next"), "items").field("id")).isEqualTo(List.of(10, 20));
  }

  @Test
  void followsTheLinkHeaderWithRelNext() throws Exception {
    serve(
        r -> {
          int page =
              Integer.parseInt(Optional.ofNullable(r.getUrl().queryParameter("page")).orElse("1"));
          MockResponse.Builder b = Servers.jsonBuilder(records(page * 100L, 2));
          String first = "<" + server.url("/items?page=1") + ">; rel=\"first\"";
          if (page < 3) {
            // Several links in one header, with a comma inside a quoted parameter.
            b.addHeader(
                "Link",
                first
                    + ", <"
                    + server.url("/items?page=" + (page + 1))
                    + ">; title=\"a, b\"; rel=\"next last\"");
          } else {
            b.addHeader("Link", first);
          }
          return b.build();
        });
    assertThat(run(Paginator.headerLink(), "items").field("id"))
        .isEqualTo(List.of(100, 101, 200, 201, 300, 301));
  }

  @Test
  void sendsTheBodyCursorAsAQueryParameter() throws Exception {
    serve(
        r -> {
          String cursor = r.getUrl().queryParameter("after");
          int page = cursor == null ? 0 : Integer.parseInt(cursor.substring(1));
          String next = page < 2 ? "\"c" + (page + 1) + "\"" : "null";
          return json(
              "{\"results\":"
                  + records(page * 3L, 3)
                  + ",\"meta\":{\"next_cursor\":"
                  + next
                  + "}}");
        });
    Collected c = run(Paginator.cursorParam("meta.next_cursor", "after"), "items");
    assertThat(c.field("id")).isEqualTo(ids(0, 9));
    assertThat(requests.stream().map(r -> r.getUrl().queryParameter("after")).toList())
        .containsExactly(null, "c1", "c2");
  }

  @Test
  void sendsTheBodyCursorAsABodyField() throws Exception {
    serve(
        r -> {
          String body = r.getBody().utf8();
          int page =
              body.contains("\"cursor\":\"k1\"") ? 1 : body.contains("\"cursor\":\"k2\"") ? 2 : 0;
          String next = page < 2 ? "\"k" + (page + 1) + "\"" : "\"\"";
          return json("{\"data\":" + records(page, 1) + ",\"next\":{\"token\":" + next + "}}");
        });
    RestResourceConfig r =
        RestResourceConfig.builder("items")
            .endpoint(
                Endpoint.builder()
                    .path("search")
                    .method("POST")
                    .json(
                        dev.ducklift.rest.internal.Json.MAPPER.readTree(
                            "{\"query\":\"x\",\"page\":{\"size\":1}}"))
                    .paginator(Paginator.cursorBodyField("next.token", "page.cursor"))
                    .build())
            .build();
    try (RestSource source = Servers.source(Servers.client(server).build(), r)) {
      assertThat(Collected.extract(source.resource("items")).field("id"))
          .isEqualTo(List.of(0, 1, 2));
    }
    assertThat(requests.get(2).getMethod()).isEqualTo("POST");
    assertThat(requests.get(2).getBody().utf8())
        .isEqualTo("{\"query\":\"x\",\"page\":{\"size\":1,\"cursor\":\"k2\"}}");
  }

  @Test
  void sendsACursorFromAResponseHeader() throws Exception {
    serve(
        r -> {
          String cursor = r.getUrl().queryParameter("cursor");
          int page = cursor == null ? 0 : Integer.parseInt(cursor);
          MockResponse.Builder b = Servers.jsonBuilder(records(page, 1));
          if (page < 3) {
            b.addHeader("X-Next-Cursor", Integer.toString(page + 1));
          }
          return b.build();
        });
    assertThat(run(Paginator.headerCursor("X-Next-Cursor", "cursor"), "items").field("id"))
        .isEqualTo(List.of(0, 1, 2, 3));
  }

  /** Serves {@code total} records by offset/limit, with a total and a has-more flag. */
  private void serveOffsets(int total) throws Exception {
    serve(
        r -> {
          int offset = Integer.parseInt(r.getUrl().queryParameter("offset"));
          int limit = Integer.parseInt(r.getUrl().queryParameter("limit"));
          int count = Math.max(0, Math.min(limit, total - offset));
          boolean more = offset + count < total;
          return json(
              "{\"data\":"
                  + records(offset, count)
                  + ",\"total\":"
                  + total
                  + ",\"has_more\":"
                  + more
                  + "}");
        });
  }

  @Test
  void offsetPagingStopsAtTheTotal() throws Exception {
    serveOffsets(10);
    Collected c =
        run(Paginator.offset(4).withTotalPath("total").withStopAfterEmptyPage(false), "items");
    assertThat(c.field("id")).isEqualTo(ids(0, 10));
    // 10 records in pages of 4: offsets 0, 4, 8 and no request for offset 12.
    assertThat(requests).hasSize(3);
  }

  @Test
  void offsetPagingStopsWhenHasMoreIsFalse() throws Exception {
    serveOffsets(8);
    Collected c =
        run(Paginator.offset(4).withHasMorePath("has_more").withStopAfterEmptyPage(false), "items");
    assertThat(c.field("id")).isEqualTo(ids(0, 8));
    assertThat(requests).hasSize(2);
  }

  @Test
  void offsetPagingStopsAtAnEmptyPage() throws Exception {
    serveOffsets(8);
    Collected c = run(Paginator.offset(4), "items");
    assertThat(c.field("id")).isEqualTo(ids(0, 8));
    assertThat(requests).hasSize(3);
    assertThat(requests.get(2).getUrl().queryParameter("offset")).isEqualTo("8");
  }

  @Test
  void offsetPagingStopsAtTheMaximumOffset() throws Exception {
    serveOffsets(100);
    Collected c = run(Paginator.offset(5).withInitialOffset(10).withMaximumOffset(25L), "items");
    assertThat(c.field("id")).isEqualTo(ids(10, 15));
  }

  /**
   * Serves {@code total} records, {@code size} a page, by page number counted from {@code base}.
   */
  private void servePages(int total, int size, int base) throws Exception {
    serve(
        r -> {
          int page = Integer.parseInt(r.getUrl().queryParameter("page")) - base;
          int from = page * size;
          int count = Math.max(0, Math.min(size, total - from));
          int pages = (total + size - 1) / size;
          return json(
              "{\"items\":"
                  + records(from, count)
                  + ",\"total_pages\":"
                  + pages
                  + ",\"more\":"
                  + (page + 1 < pages)
                  + "}");
        });
  }

  @Test
  void pageNumberPagingStopsAtTheTotalPages() throws Exception {
    servePages(7, 3, 1);
    Collected c =
        run(
            Paginator.pageNumber().withTotalPagesPath("total_pages").withStopAfterEmptyPage(false),
            "items");
    assertThat(c.field("id")).isEqualTo(ids(0, 7));
    assertThat(requests).hasSize(3);
  }

  @Test
  void pageNumberPagingFromZeroStopsWhenHasMoreIsFalse() throws Exception {
    servePages(6, 3, 0);
    Collected c =
        run(
            Paginator.pageNumber()
                .withBasePage(0)
                .withHasMorePath("more")
                .withStopAfterEmptyPage(false),
            "items");
    assertThat(c.field("id")).isEqualTo(ids(0, 6));
    assertThat(requests.stream().map(r -> r.getUrl().queryParameter("page")).toList())
        .containsExactly("0", "1");
  }

  @Test
  void pageNumberPagingStopsAtAnEmptyPageOrTheMaximum() throws Exception {
    servePages(6, 2, 1);
    assertThat(run(Paginator.pageNumber().withPageSize(2L, "per_page"), "items").field("id"))
        .isEqualTo(ids(0, 6));
    assertThat(requests.get(0).getUrl().queryParameter("per_page")).isEqualTo("2");
    server.close();
    requests.clear();
    servePages(100, 2, 1);
    assertThat(run(Paginator.pageNumber().withMaximumPage(2L), "items").field("id"))
        .isEqualTo(ids(0, 4));
  }

  @Test
  void singlePageMakesOneRequest() throws Exception {
    serve(r -> json("{\"data\":" + records(0, 2) + ",\"next\":\"/items?p=2\"}"));
    assertThat(run(Paginator.singlePage(), "items").field("id")).isEqualTo(ids(0, 2));
    assertThat(requests).hasSize(1);
  }

  @Test
  void autoDetectionFollowsLinkHeadersNextUrlsAndCursors() throws Exception {
    serve(
        r -> {
          String path = r.getUrl().encodedPath();
          String p = Optional.ofNullable(r.getUrl().queryParameter("p")).orElse("1");
          return switch (path) {
            case "/link" ->
                p.equals("1")
                    ? Servers.jsonBuilder(records(1, 1))
                        .addHeader("Link", "<" + server.url("/link?p=2") + ">; rel=\"next\"")
                        .build()
                    : json(records(2, 1));
            case "/next" ->
                json(
                    "{\"results\":"
                        + records(Long.parseLong(p), 1)
                        + ",\"next\":"
                        + (p.equals("1") ? "\"/next?p=2\"" : "null")
                        + "}");
            case "/cursor" -> {
              String cursor = r.getUrl().queryParameter("cursor");
              yield json(
                  "{\"data\":"
                      + records(cursor == null ? 1 : 2, 1)
                      + ",\"next_cursor\":"
                      + (cursor == null ? "\"abc\"" : "null")
                      + "}");
            }
            default -> json("{\"data\":" + records(7, 2) + ",\"total\":2}");
          };
        });
    RestClientConfig client = Servers.client(server).build();
    List<List<Object>> results = new ArrayList<>();
    for (String path : List.of("link", "next", "cursor", "plain")) {
      try (RestSource source =
          Servers.source(client, RestResourceConfig.builder("r").path(path).build())) {
        results.add(Collected.extract(source.resource("r")).field("id"));
      }
    }
    assertThat(results).containsExactly(List.of(1, 2), List.of(1, 2), List.of(1, 2), List.of(7, 8));
  }

  /** A custom paginator: the API takes a "since_id" and the next page starts after the last id. */
  public record SinceIdPaginator() implements Paginator {
    @Override
    public Optional<PageRequest> next(PageRequest request, PageResponse response) {
      if (response.recordCount() == 0) {
        return Optional.empty();
      }
      var data = response.body().get("data");
      return Optional.of(
          request.withQueryParameter("since_id", data.get(data.size() - 1).get("id").asText()));
    }
  }

  @Test
  void customPaginatorsDriveTheRequestSequence() throws Exception {
    serve(
        r -> {
          int since =
              Integer.parseInt(
                  Optional.ofNullable(r.getUrl().queryParameter("since_id")).orElse("-1"));
          int count = since >= 4 ? 0 : 2;
          return json("{\"data\":" + records(since + 1, count) + "}");
        });
    assertThat(run(new SinceIdPaginator(), "items").field("id")).isEqualTo(ids(0, 6));
  }

  @Test
  void aPaginatorThatRepeatsTheSameRequestFailsInsteadOfLooping() throws Exception {
    serve(r -> json("{\"data\":" + records(0, 1) + ",\"next\":\"/items\"}"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> run(Paginator.jsonLink("next"), "items"))
        .hasMessageContaining("again after page 1");
  }
}
