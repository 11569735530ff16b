package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ducklift.core.testing.DuckDbTestDestination;
import dev.ducklift.core.testing.FaultInjectingDestination;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resources extracting concurrently: overlap, order, failures, backpressure and cancellation. */
class ParallelResourcesIT {

  /** Must match the runtime's per-resource read-ahead (ExtractionPool.RECORDS_AHEAD). */
  private static final int RECORDS_AHEAD = 5_000;

  @TempDir Path dir;
  private DuckDbTestDestination lake;

  @BeforeEach
  void openLake() {
    lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
  }

  @AfterEach
  void closeLake() {
    lake.close();
  }

  private static Map<String, Object> row(String resource, int id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("source", resource);
    return m;
  }

  private static Page page(String resource, int number, int size) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      records.add(row(resource, number * 1000 + i));
    }
    return new Page(records, resource + " page " + number);
  }

  /** A resource yielding fresh pages on every run. */
  private static Resource pages(String name, int pages, int size) {
    return Resources.fromFunction(
        spec(name),
        (context, consumer) -> {
          for (int p = 0; p < pages; p++) {
            consumer.accept(page(name, p, size));
          }
        });
  }

  private static ResourceSpec spec(String name) {
    return ResourceSpec.builder(name)
        .primaryKey("id")
        .writeDisposition(WriteDisposition.INSERT_NEW)
        .build();
  }

  private Pipeline.Builder pipeline(int parallelism) {
    return Pipeline.builder("p")
        .workingDirectory(dir.resolve("work"))
        .destination(lake)
        .parallelism(parallelism);
  }

  @Test
  void resourcesExtractAtTheSameTimeUpToTheParallelism() {
    // Every resource waits at the barrier before yielding: the run only completes when all four
    // extract at the same time.
    CyclicBarrier allStarted = new CyclicBarrier(4);
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    Pipeline.Builder builder = pipeline(4);
    for (String name : List.of("a", "b", "c", "d")) {
      builder.resource(
          Resources.fromFunction(
              spec(name),
              (context, pages) -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                allStarted.await(20, TimeUnit.SECONDS);
                for (int p = 0; p < 3; p++) {
                  pages.accept(page(name, p, 5));
                }
                active.decrementAndGet();
              }));
    }

    RunResult result = builder.build().run();

    assertThat(maxActive.get()).isEqualTo(4);
    assertThat(result.loadIds()).hasSize(4);
    for (String name : List.of("a", "b", "c", "d")) {
      assertThat(lake.count(name)).isEqualTo(15);
    }
  }

  @Test
  void noMoreResourcesExtractAtOnceThanTheParallelism() {
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    Pipeline.Builder builder = pipeline(2);
    for (int r = 0; r < 6; r++) {
      String name = "r" + r;
      builder.resource(
          Resources.fromFunction(
              spec(name),
              (context, pages) -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                try {
                  for (int p = 0; p < 3; p++) {
                    Thread.sleep(20);
                    pages.accept(page(name, p, 2));
                  }
                } finally {
                  active.decrementAndGet();
                }
              }));
    }

    RunResult result = builder.build().run();

    assertThat(maxActive.get()).isBetween(1, 2);
    assertThat(result.loadIds()).hasSize(6);
  }

  @Test
  void parallelismOneExtractsEachResourceAfterThePreviousOneFinishedOnTheCallingThread() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    Pipeline.Builder builder =
        pipeline(1)
            .listener(
                new PipelineListener() {
                  @Override
                  public void loadFinished(String resourceName, String loadId) {
                    events.add("finished " + resourceName);
                  }
                });
    for (String name : List.of("a", "b", "c")) {
      builder.resource(
          Resources.fromFunction(
              spec(name),
              (context, pages) -> {
                threads.add(Thread.currentThread());
                events.add("start " + name);
                pages.accept(page(name, 0, 3));
                events.add("end " + name);
              }));
    }

    builder.build().run();

    assertThat(events)
        .containsExactly(
            "start a",
            "end a",
            "finished a",
            "start b",
            "end b",
            "finished b",
            "start c",
            "end c",
            "finished c");
    assertThat(threads).containsOnly(Thread.currentThread());
  }

  @Test
  void aFailingResourceDoesNotStopTheOthersAndTheRunFailsNamingIt() {
    AtomicInteger brokenCalls = new AtomicInteger();
    Resource broken =
        Resources.fromFunction(
            spec("b"),
            (context, pages) -> {
              pages.accept(page("b", 0, 2));
              if (brokenCalls.incrementAndGet() == 1) {
                throw new IllegalStateException("the API went away");
              }
              pages.accept(page("b", 1, 2));
            });
    Pipeline pipeline =
        pipeline(4).resource(pages("a", 1, 3)).resource(broken).resource(pages("c", 2, 4)).build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOfSatisfying(
            RunFailedException.class,
            e -> {
              assertThat(e.failures()).containsOnlyKeys("b");
              assertThat(e.result().loadIds()).hasSize(2);
              assertThat(e.result().table("c").orElseThrow().rowsInserted()).isEqualTo(8);
            })
        .hasMessageContaining("Resource 'b'")
        .hasMessageContaining("the API went away");
    assertThat(lake.count("a")).isEqualTo(3);
    assertThat(lake.count("c")).isEqualTo(8);

    RunResult second = pipeline.run();
    assertThat(lake.count("b")).isEqualTo(4);
    assertThat(lake.count("a")).isEqualTo(3);
    assertThat(lake.count("c")).isEqualTo(8);
    assertThat(second.table("b").orElseThrow().rowsInserted()).isEqualTo(4);
  }

  @Test
  void severalFailuresAreAllReportedWithTheirResources() {
    Pipeline pipeline =
        pipeline(2)
            .resource(
                Resources.fromFunction(
                    spec("x"),
                    (context, pages) -> {
                      throw new IllegalStateException("x is down");
                    }))
            .resource(pages("ok", 1, 2))
            .resource(
                Resources.fromFunction(
                    spec("y"),
                    (context, pages) -> {
                      throw new IllegalStateException("y is down");
                    }))
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOfSatisfying(
            RunFailedException.class,
            e -> {
              assertThat(e.failures()).containsOnlyKeys("x", "y");
              assertThat(e.getSuppressed()).hasSize(1);
            })
        .hasMessageContaining("2 resources failed in pipeline 'p'")
        .hasMessageContaining("'x': Resource 'x'")
        .hasMessageContaining("x is down")
        .hasMessageContaining("y is down");
    assertThat(lake.count("ok")).isEqualTo(2);
  }

  @Test
  void aResourceAheadOfTheRunnerIsThrottledByItsPageQueue() throws Exception {
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger produced = new AtomicInteger();
    int pagesOfSecond = 30;
    int pageSize = 500;
    int pagesAhead = RECORDS_AHEAD / pageSize;
    Resource first =
        Resources.fromFunction(
            spec("first"),
            (context, pages) -> {
              releaseFirst.await(30, TimeUnit.SECONDS);
              pages.accept(page("first", 0, 1));
            });
    Resource second =
        Resources.fromFunction(
            spec("second"),
            (context, pages) -> {
              for (int p = 0; p < pagesOfSecond; p++) {
                produced.incrementAndGet();
                pages.accept(page("second", p, pageSize));
              }
            });
    Pipeline pipeline = pipeline(2).resource(first).resource(second).build();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                outcome.set(pipeline.run());
              } catch (RuntimeException e) {
                outcome.set(e);
              }
            });
    runner.start();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (produced.get() < pagesAhead && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(300);
    // The queue holds RECORDS_AHEAD records; the resource is blocked handing over the next page.
    assertThat(produced.get()).isBetween(pagesAhead, pagesAhead + 1);

    releaseFirst.countDown();
    runner.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(outcome.get()).isInstanceOf(RunResult.class);
    assertThat(produced.get()).isEqualTo(pagesOfSecond);
    assertThat(lake.count("second")).isEqualTo((long) pagesOfSecond * pageSize);
  }

  @Test
  void cancellingStopsEveryExtractionPromptly() throws Exception {
    AtomicInteger started = new AtomicInteger();
    List<AtomicInteger> counts = new ArrayList<>();
    Pipeline.Builder builder = pipeline(3);
    for (String name : List.of("a", "b", "c")) {
      AtomicInteger count = new AtomicInteger();
      counts.add(count);
      builder.resource(
          Resources.fromFunction(
              spec(name),
              (context, pages) -> {
                started.incrementAndGet();
                // An endless source that ignores cancellation: only the runtime can stop it.
                for (int p = 0; ; p++) {
                  count.incrementAndGet();
                  Thread.sleep(5);
                  pages.accept(page(name, p % 100, 1));
                }
              }));
    }
    Pipeline pipeline = builder.build();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                outcome.set(pipeline.run());
              } catch (RuntimeException e) {
                outcome.set(e);
              }
            });
    runner.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (started.get() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(started.get()).isEqualTo(3);

    pipeline.cancel();
    runner.join(TimeUnit.SECONDS.toMillis(20));

    assertThat(runner.isAlive()).isFalse();
    assertThat(outcome.get())
        .isInstanceOfSatisfying(
            DuckliftException.class, e -> assertThat(e).hasMessageContaining("cancelled"));
    List<Integer> after = counts.stream().map(AtomicInteger::get).toList();
    Thread.sleep(200);
    assertThat(counts.stream().map(AtomicInteger::get).toList()).isEqualTo(after);
  }

  @Test
  void theConfigSetsTheParallelismAndRejectsOutOfRangeValues() {
    PipelineConfig config =
        PipelineConfig.parse("name: p\nparallelism: 3\n", dir, Secrets.fromEnvironment());
    assertThat(config.toBuilder(lake).build().parallelism()).isEqualTo(3);
    PipelineConfig defaults = PipelineConfig.parse("name: p\n", dir, Secrets.fromEnvironment());
    assertThat(defaults.toBuilder(lake).build().parallelism())
        .isEqualTo(Pipeline.DEFAULT_PARALLELISM);
    assertThatThrownBy(
            () -> PipelineConfig.parse("name: p\nparallelism: 0\n", dir, Secrets.fromEnvironment()))
        .hasMessageContaining("'parallelism' must be a positive integer");
    assertThatThrownBy(() -> Pipeline.builder("p").parallelism(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aResourceExtractedAheadStopsWhenTheRuntimeWantsNoMorePages() {
    // A window [0, 10) over a source in cursor order: once a whole page lies past the end the
    // runtime refuses further pages and the extraction ahead of it must end, not run to the end.
    AtomicInteger served = new AtomicInteger();
    ResourceSpec window =
        ResourceSpec.builder("window")
            .primaryKey("id")
            .incremental(
                Incremental.on("id")
                    .withInitialValue(CursorValue.of(0L))
                    .withEndValue(CursorValue.of(10L)))
            .writeDisposition(WriteDisposition.MERGE)
            .build();
    Resource ordered =
        Resources.fromFunction(
            window,
            (context, pages) -> {
              for (int p = 0; p < 1000; p++) {
                served.incrementAndGet();
                List<Map<String, Object>> records = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("id", (long) p * 5 + i);
                  records.add(m);
                }
                if (!pages.accept(new Page(records, "window page " + p))) {
                  return;
                }
              }
            });
    Pipeline pipeline = pipeline(2).resource(pages("before", 1, 2)).resource(ordered).build();

    RunResult result = pipeline.run();

    assertThat(result.table("window").orElseThrow().rowsStaged()).isEqualTo(10);
    assertThat(served.get()).isLessThan(1000);
  }

  @Test
  void aFailedPromoteKeepsItsStagedLoadForTheNextRunWhileTheOtherResourcesLoad() {
    FaultInjectingDestination faulty = new FaultInjectingDestination(lake).failBeforeCommit(1);
    Pipeline pipeline =
        Pipeline.builder("p")
            .workingDirectory(dir.resolve("work"))
            .destination(faulty)
            .parallelism(3)
            .resource(pages("a", 2, 3))
            .resource(pages("b", 1, 4))
            .resource(pages("c", 3, 2))
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOfSatisfying(
            RunFailedException.class, e -> assertThat(e.failures()).containsOnlyKeys("a"))
        .hasMessageContaining("Injected failure");
    assertThat(lake.count("b")).isEqualTo(4);
    assertThat(lake.count("c")).isEqualTo(6);

    RunResult second = pipeline.run();

    assertThat(second.resumedLoads()).hasSize(1);
    assertThat(lake.count("a")).isEqualTo(6);
    assertThat(lake.count("b")).isEqualTo(4);
    assertThat(lake.count("c")).isEqualTo(6);
    assertThat(faulty.promotedLoads()).doesNotHaveDuplicates();
  }
}
