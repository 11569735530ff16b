package dev.ducklift.rest;

import static dev.ducklift.rest.Servers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.Incremental;
import dev.ducklift.core.Page;
import dev.ducklift.rest.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParentChildIT {
  private static final Pattern POSTS = Pattern.compile("/users/(\\d+)/posts");

  private MockWebServer server;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * Users 1..{@code users} (2 a page); user u has {@code postPages} pages of 2 posts each, post ids
   * u*1000+n, with {@code updated} = n.
   */
  private void serve(int users, int postPages, long delayMillis) throws Exception {
    server =
        Servers.start(
            r -> {
              requests.add(r);
              int now = inFlight.incrementAndGet();
              maxInFlight.accumulateAndGet(now, Math::max);
              try {
                if (delayMillis > 0) {
                  Thread.sleep(delayMillis);
                }
                return route(r, users, postPages);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              } finally {
                inFlight.decrementAndGet();
              }
            });
  }

  private MockResponse route(RecordedRequest r, int users, int postPages) {
    String path = r.getUrl().encodedPath();
    int page =
        Integer.parseInt(
            r.getUrl().queryParameter("page") == null ? "1" : r.getUrl().queryParameter("page"));
    if (path.equals("/users")) {
      StringBuilder sb = new StringBuilder("[");
      for (int u = (page - 1) * 2 + 1; u <= Math.min(users, page * 2); u++) {
        sb.append(sb.length() > 1 ? "," : "")
            .append("{\"id\":")
            .append(u)
            .append(",\"name\":\"user")
            .append(u)
            .append("\",\"org\":{\"slug\":\"o")
            .append(u % 2)
            .append("\"}}");
      }
      return json(sb.append(']').toString());
    }
    Matcher m = POSTS.matcher(path);
    if (m.matches()) {
      int u = Integer.parseInt(m.group(1));
      if (u > users) {
        return Servers.status(404);
      }
      StringBuilder sb = new StringBuilder("[");
      if (page <= postPages) {
        for (int n = (page - 1) * 2 + 1; n <= page * 2; n++) {
          sb.append(sb.length() > 1 ? "," : "")
              .append("{\"id\":")
              .append(u * 1000 + n)
              .append(",\"updated\":")
              .append(n)
              .append('}');
        }
      }
      return json(sb.append(']').toString());
    }
    return Servers.status(404);
  }

  private RestSource source(int concurrency, RestResourceConfig posts) {
    return RestSource.builder("blog")
        .client(
            Servers.client(server)
                .maxConcurrency(concurrency)
                .paginator(Paginator.pageNumber())
                .build())
        .resource(RestResourceConfig.builder("users").path("users").primaryKey("id").build())
        .resource(posts)
        .build();
  }

  @Test
  void childrenAreFetchedForEveryParentWithParentFieldsIncluded() throws Exception {
    serve(3, 2, 0);
    RestResourceConfig posts =
        RestResourceConfig.builder("posts")
            .endpoint(
                Endpoint.builder()
                    .path("users/{resources.users.id}/posts")
                    .param("org", "{resources.users.org.slug}")
                    .header("X-User", "{resources.users.name}")
                    .build())
            .primaryKey("id")
            .includeFromParent("id", "org.slug")
            .build();
    try (RestSource source = source(2, posts)) {
      Collected c = Collected.extract(source.resource("posts"));
      List<Object> expected = new ArrayList<>();
      for (int u = 1; u <= 3; u++) {
        for (int n = 1; n <= 4; n++) {
          expected.add(u * 1000 + n);
        }
      }
      assertThat(c.field("id")).isEqualTo(expected);
      Map<String, Object> first = c.records().get(0);
      assertThat(first).containsEntry("_users_id", 1).containsEntry("_users_org_slug", "o1");
      // Without an incremental cursor there is one state key for the resource.
      assertThat(c.pages).allMatch(p -> p.stateKey().isEmpty());
    }
    RecordedRequest forUser2 =
        requests.stream()
            .filter(r -> r.getUrl().encodedPath().equals("/users/2/posts"))
            .findFirst()
            .orElseThrow();
    assertThat(forUser2.getUrl().queryParameter("org")).isEqualTo("o0");
    assertThat(forUser2.getHeaders().get("X-User")).isEqualTo("user2");
  }

  @Test
  void incrementalChildrenKeepOneWatermarkPerParent() throws Exception {
    serve(3, 1, 0);
    RestResourceConfig posts =
        RestResourceConfig.builder("posts")
            .endpoint(
                Endpoint.builder()
                    .path("users/{resources.users.id}/posts")
                    .param("since", "{incremental.start_value}")
                    .method("POST")
                    .json(Json.MAPPER.readTree("{\"user\":\"{resources.users.id}\"}"))
                    .build())
            .primaryKey("id")
            .incremental(Incremental.on("updated").withInitialValue(CursorValue.of(0)))
            .build();
    try (RestSource source = source(3, posts)) {
      var resource = source.resource("posts");
      TestContext ctx =
          TestContext.of(resource).last("1", CursorValue.of(50)).last("2", CursorValue.of(70));
      Collected c = Collected.extract(resource, ctx);
      assertThat(c.pages.stream().map(Page::stateKey).distinct().toList())
          .containsExactly("1", "2", "3");
      assertThat(c.pages)
          .allMatch(
              p ->
                  p.records().stream()
                      .allMatch(
                          rec ->
                              String.valueOf(((Integer) rec.get("id")) / 1000)
                                  .equals(p.stateKey())));
    }
    Map<String, String> since = new java.util.TreeMap<>();
    Map<String, String> bodies = new java.util.TreeMap<>();
    for (RecordedRequest r : requests) {
      Matcher m = POSTS.matcher(r.getUrl().encodedPath());
      if (m.matches() && "1".equals(r.getUrl().queryParameter("page"))) {
        since.put(m.group(1), r.getUrl().queryParameter("since"));
        bodies.put(m.group(1), r.getBody().utf8());
      }
    }
    assertThat(since)
        .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("1", "50", "2", "70", "3", "0")));
    // A parent value that is a whole placeholder keeps its JSON type.
    assertThat(bodies.get("2")).isEqualTo("{\"user\":2}");
  }

  @Test
  void childrenOfManyParentsAreFetchedConcurrentlyAndDeliveredInOrderFromOneThread()
      throws Exception {
    serve(12, 3, 40);
    RestResourceConfig posts =
        RestResourceConfig.builder("posts").path("users/{resources.users.id}/posts").build();
    Thread caller = Thread.currentThread();
    Collected c;
    try (RestSource source = source(4, posts)) {
      c = Collected.extract(source.resource("posts"));
    }
    List<Object> expected = new ArrayList<>();
    for (int u = 1; u <= 12; u++) {
      for (int n = 1; n <= 6; n++) {
        expected.add(u * 1000 + n);
      }
    }
    assertThat(c.field("id")).isEqualTo(expected);
    assertThat(c.threads).allMatch(t -> t == caller);
    // Several child sequences ran at once, never more than the limit (4 children and the
    // parent page being read on the calling thread).
    assertThat(maxInFlight.get()).isBetween(2, 5);
  }

  @Test
  void aSlowConsumerHoldsBackFetchingSoNoParentsChildrenAreBufferedWhole() throws Exception {
    serve(4, 12, 0);
    RestResourceConfig posts =
        RestResourceConfig.builder("posts").path("users/{resources.users.id}/posts").build();
    List<Integer> aheadOfConsumer = new CopyOnWriteArrayList<>();
    try (RestSource source = source(2, posts)) {
      var resource = source.resource("posts");
      int[] accepted = {0};
      resource.extract(
          TestContext.of(resource),
          page -> {
            accepted[0]++;
            long childRequests =
                requests.stream()
                    .filter(r -> POSTS.matcher(r.getUrl().encodedPath()).matches())
                    .count();
            aheadOfConsumer.add((int) (childRequests - accepted[0]));
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            return true;
          });
      assertThat(accepted[0]).isEqualTo(4 * 12);
    }
    // Each of the 2 sequences in flight holds at most a few pages; a parent has 12.
    assertThat(aheadOfConsumer).allSatisfy(a -> assertThat(a).isLessThanOrEqualTo(10));
  }

  @Test
  void aFailingChildFailsTheResourceAndNamesTheUrl() throws Exception {
    serve(3, 1, 0);
    RestResourceConfig posts =
        RestResourceConfig.builder("posts").path("users/{resources.users.id}/missing").build();
    try (RestSource source = source(2, posts)) {
      assertThatThrownBy(() -> Collected.extract(source.resource("posts")))
          .hasMessageContaining("Resource 'posts'")
          .hasMessageContaining("HTTP 404")
          .hasMessageContaining("/users/1/missing");
    }
  }

  @Test
  void unknownParentsAndGrandchildrenAreRejected() throws Exception {
    serve(1, 1, 0);
    RestClientConfig client = Servers.client(server).build();
    assertThatThrownBy(
            () ->
                Servers.source(
                    client,
                    RestResourceConfig.builder("posts")
                        .path("users/{resources.nobody.id}/posts")
                        .build()))
        .hasMessageContaining("unknown parent resource 'nobody'");
    assertThatThrownBy(
            () ->
                Servers.source(
                    client,
                    RestResourceConfig.builder("users").path("users").build(),
                    RestResourceConfig.builder("posts")
                        .path("users/{resources.users.id}/posts")
                        .build(),
                    RestResourceConfig.builder("comments")
                        .path("posts/{resources.posts.id}/comments")
                        .build()))
        .hasMessageContaining("only top-level resources can be parents");
  }
}
