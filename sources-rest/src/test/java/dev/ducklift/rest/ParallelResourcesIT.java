package dev.ducklift.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.RunFailedException;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several REST resources of one source run by a pipeline with a parallelism: requests of different
 * resources overlap, parallelism 1 keeps them strictly in order, a failing endpoint does not cost
 * the others their rows, and a resource ahead of the pipeline is throttled.
 */
class ParallelResourcesIT {
  private static final int PAGES = 3;
  private static final int RECORDS_PER_PAGE = 5;
  private static final long PAGE_DELAY_MILLIS = 60;

  @TempDir Path dir;
  private MockWebServer server;
  private DuckDbTestDestination lake;
  private final List<String> requestedResources = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final Map<String, Integer> pagesOf = new ConcurrentHashMap<>();
  private final Map<String, Integer> pageSizeOf = new ConcurrentHashMap<>();
  private final Map<String, Long> delayOf = new ConcurrentHashMap<>();
  private final Map<String, Integer> failingStatus = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requestCounts = new ConcurrentHashMap<>();
  private final Map<String, Integer> seenWhenServed = new ConcurrentHashMap<>();

  /** When set, holds the first page of each resource until that many first pages are pending. */
  private volatile CountDownLatch firstPagesTogether;

  @BeforeEach
  void start() throws Exception {
    lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
    server = Servers.start(this::route);
  }

  @AfterEach
  void stop() {
    server.close();
    lake.close();
  }

  /** {@code /<resource>?page=n}: pages of records with ids unique across resources. */
  private MockResponse route(RecordedRequest r) {
    String resource = r.getUrl().encodedPath().substring(1);
    String pageParameter = r.getUrl().queryParameter("page");
    int page = pageParameter == null ? 1 : Integer.parseInt(pageParameter);
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    requestedResources.add(resource);
    requestCounts.computeIfAbsent(resource, k -> new AtomicInteger()).incrementAndGet();
    try {
      CountDownLatch together = firstPagesTogether;
      if (together != null && page == 1) {
        together.countDown();
        together.await(10, TimeUnit.SECONDS);
      }
      Thread.sleep(delayOf.getOrDefault(resource, PAGE_DELAY_MILLIS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
    }
    // What the other resources had requested by the time this page was served.
    seenWhenServed.putIfAbsent(
        resource + "#" + page,
        requestCounts.entrySet().stream()
            .filter(e -> !e.getKey().equals(resource))
            .mapToInt(e -> e.getValue().get())
            .sum());
    Integer status = failingStatus.get(resource);
    if (status != null) {
      return Servers.status(status);
    }
    int pages = pagesOf.getOrDefault(resource, PAGES);
    int size = pageSizeOf.getOrDefault(resource, RECORDS_PER_PAGE);
    long base = (resource.hashCode() & 0xffffL) * 10_000_000L;
    List<String> records = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      records.add("{\"id\":" + (base + page * 10_000L + i) + ",\"resource\":\"" + resource + "\"}");
    }
    return Servers.json(
        "{\"total_pages\":" + pages + ",\"data\":[" + String.join(",", records) + "]}");
  }

  private Pipeline pipeline(int parallelism, String... resources) {
    RestClientConfig client =
        Servers.client(server)
            .paginator(Paginator.pageNumber().withTotalPagesPath("total_pages"))
            .build();
    RestResourceConfig[] configs = new RestResourceConfig[resources.length];
    for (int i = 0; i < resources.length; i++) {
      configs[i] =
          RestResourceConfig.builder(resources[i])
              .endpoint(Endpoint.builder().path(resources[i]).dataSelector("data").build())
              .primaryKey("id")
              .writeDisposition(WriteDisposition.INSERT_NEW)
              .build();
    }
    return Pipeline.builder("parallel")
        .workingDirectory(dir.resolve("work"))
        .destination(lake)
        .source(Servers.source(client, configs))
        .parallelism(parallelism)
        .build();
  }

  @Test
  void resourcesFetchConcurrentlyWithParallelismFour() {
    // Fetched one after another, the first page of a would be held for 10 s and b would come next
    // only after all of a's pages.
    firstPagesTogether = new CountDownLatch(4);
    try (Pipeline pipeline = pipeline(4, "a", "b", "c", "d")) {
      RunResult result = pipeline.run();

      assertThat(result.loadIds()).hasSize(4);
      for (String name : List.of("a", "b", "c", "d")) {
        assertThat(lake.count(name)).isEqualTo((long) PAGES * RECORDS_PER_PAGE);
      }
    }

    assertThat(maxInFlight.get()).isEqualTo(4);
    assertThat(requestedResources.subList(0, 4)).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(requestedResources).hasSize(4 * PAGES);
  }

  @Test
  void parallelismOneFetchesResourcesStrictlyInOrder() {
    try (Pipeline pipeline = pipeline(1, "a", "b", "c", "d")) {
      pipeline.run();
    }

    assertThat(maxInFlight.get()).isEqualTo(1);
    List<String> expected = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      for (int p = 0; p < PAGES; p++) {
        expected.add(name);
      }
    }
    assertThat(requestedResources).containsExactlyElementsOf(expected);
  }

  @Test
  void aFailingEndpointDoesNotLoseTheOtherResourcesRows() {
    failingStatus.put("b", 404);
    try (Pipeline pipeline = pipeline(4, "a", "b", "c")) {
      assertThatThrownBy(pipeline::run)
          .isInstanceOfSatisfying(
              RunFailedException.class,
              e -> {
                assertThat(e.failures()).containsOnlyKeys("b");
                assertThat(e.result().loadIds()).hasSize(2);
              })
          .hasMessageContaining("Resource 'b' got HTTP 404 for page 1")
          .hasMessageContaining(server.url("/b").toString());
      assertThat(lake.count("a")).isEqualTo((long) PAGES * RECORDS_PER_PAGE);
      assertThat(lake.count("c")).isEqualTo((long) PAGES * RECORDS_PER_PAGE);

      failingStatus.remove("b");
      RunResult second = pipeline.run();

      assertThat(second.table("b").orElseThrow().rowsInserted())
          .isEqualTo((long) PAGES * RECORDS_PER_PAGE);
      assertThat(lake.count("a")).isEqualTo((long) PAGES * RECORDS_PER_PAGE);
    }
  }

  @Test
  void aResourceFetchingAheadOfThePipelineIsThrottled() {
    // While the first resource's only page takes long, the second could fetch all its pages;
    // bounded queues stop it after a few.
    int many = 15;
    int size = 1_000;
    delayOf.put("slow", 1_500L);
    delayOf.put("many", 0L);
    pagesOf.put("slow", 1);
    pagesOf.put("many", many);
    pageSizeOf.put("many", size);
    try (Pipeline pipeline = pipeline(2, "slow", "many")) {
      pipeline.run();
      assertThat(lake.count("many")).isEqualTo((long) many * size);
    }

    // The pipeline's read-ahead (5,000 records), the page a waiting thread holds and the REST
    // resource's own one-page read-ahead, plus the page in flight.
    int readAhead = 5_000 / size + 1 + 1 + 1 + 1;
    assertThat(seenWhenServed.get("slow#1")).isGreaterThan(0).isLessThanOrEqualTo(readAhead);
    assertThat(requestCounts.get("many").get()).isEqualTo(many);
  }
}
