package dev.ducklift.samples.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {

  @TempDir Path dir;

  @Test
  void retriesAFailingJobWithBackoffUntilItSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy retry = RetryPolicy.exponential(4, Duration.ofMillis(80), Duration.ofSeconds(1));
    try (Scheduler scheduler = Scheduler.builder().workingDirectory(dir).build()) {
      scheduler.schedule(
          "flaky",
          Schedule.every(Duration.ofHours(1)),
          () -> {
            if (calls.incrementAndGet() < 3) {
              throw new IllegalStateException("Source unavailable (call " + calls.get() + ")");
            }
            return "{\"rows\":3}";
          },
          retry);
      List<RunRecord> attempts = scheduler.runNow("flaky");

      assertThat(attempts)
          .extracting(RunRecord::status)
          .containsExactly(
              RunRecord.Status.FAILED, RunRecord.Status.FAILED, RunRecord.Status.SUCCEEDED);
      assertThat(attempts).extracting(RunRecord::attempt).containsExactly(1, 2, 3);
      assertThat(attempts.get(0).error()).isEqualTo("Source unavailable (call 1)");
      Duration firstGap =
          Duration.between(attempts.get(0).finishedAt(), attempts.get(1).startedAt());
      Duration secondGap =
          Duration.between(attempts.get(1).finishedAt(), attempts.get(2).startedAt());
      assertThat(firstGap).isGreaterThanOrEqualTo(retry.backoffAfter(1));
      assertThat(secondGap).isGreaterThanOrEqualTo(retry.backoffAfter(2));
    }
  }

  @Test
  void keepsEveryAttemptInAPersistedHistory() {
    try (Scheduler scheduler = Scheduler.builder().workingDirectory(dir).build()) {
      scheduler.schedule("load", Schedule.every(Duration.ofHours(1)), () -> "ok", RetryPolicy.NONE);
      scheduler.schedule(
          "maintain",
          Schedule.every(Duration.ofHours(1)),
          Job.of(
              () -> {
                throw new IllegalStateException("Catalog locked");
              }),
          RetryPolicy.NONE);
      scheduler.runNow("load");
      scheduler.runNow("maintain");
      scheduler.runNow("load");
    }
    RunHistory reopened = RunHistory.in(dir);
    assertThat(reopened.runs("load")).hasSize(2).allMatch(r -> "ok".equals(r.summary()));
    assertThat(reopened.runs("maintain"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(RunRecord.Status.FAILED);
              assertThat(r.error()).isEqualTo("Catalog locked");
            });
    assertThat(reopened.lastSuccess("load")).isPresent();
    assertThat(reopened.lastSuccess("maintain")).isEmpty();
    assertThat(reopened.all()).hasSize(3);
  }

  @Test
  void firesAFixedRateJobRepeatedlyAndRetriesItsFailuresInTheBackground() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch fourCalls = new CountDownLatch(4);
    try (Scheduler scheduler = Scheduler.builder().workingDirectory(dir).build()) {
      scheduler.schedule(
          "tick",
          Schedule.every(Duration.ofMillis(40)),
          () -> {
            int n = calls.incrementAndGet();
            fourCalls.countDown();
            if (n == 1) {
              throw new IllegalStateException("First call fails");
            }
            return "call " + n;
          },
          RetryPolicy.exponential(2, Duration.ofMillis(10), Duration.ofMillis(10)));
      scheduler.start();
      assertThat(fourCalls.await(10, TimeUnit.SECONDS)).isTrue();
    }
    List<RunRecord> runs = RunHistory.in(dir).runs("tick");
    assertThat(runs.get(0).status()).isEqualTo(RunRecord.Status.FAILED);
    assertThat(runs.get(1).attempt()).isEqualTo(2);
    assertThat(runs.get(1).scheduledFor()).isEqualTo(runs.get(0).scheduledFor());
    assertThat(runs.get(1).status()).isEqualTo(RunRecord.Status.SUCCEEDED);
  }

  @Test
  void twoSchedulersSharingALeaseDirectoryNeverRunAJobAtTheSameTime() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    Job job =
        () -> {
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          Thread.sleep(30);
          running.decrementAndGet();
          runs.incrementAndGet();
          return null;
        };
    try (Scheduler a = Scheduler.builder().workingDirectory(dir).owner("a").build();
        Scheduler b = Scheduler.builder().workingDirectory(dir).owner("b").build()) {
      a.schedule("shared", Schedule.every(Duration.ofMillis(5)), job, RetryPolicy.NONE);
      b.schedule("shared", Schedule.every(Duration.ofMillis(5)), job, RetryPolicy.NONE);
      a.start();
      b.start();
      Thread.sleep(1_000);
    }
    assertThat(runs.get()).isGreaterThan(5);
    assertThat(maxRunning.get()).isEqualTo(1);
    assertThat(RunHistory.in(dir).runs("shared"))
        .anyMatch(r -> r.status() == RunRecord.Status.SKIPPED);
  }

  @Test
  void aLeaseIsFreeAgainOnceItsHolderStopsRenewing() throws Exception {
    FileLeaseStore leases = new FileLeaseStore(dir);
    assertThat(leases.tryAcquire("job", "first", Duration.ofMillis(150))).isTrue();
    assertThat(leases.tryAcquire("job", "second", Duration.ofMillis(150))).isFalse();
    assertThat(leases.current("job")).map(Lease::owner).contains("first");
    Thread.sleep(200);
    assertThat(leases.current("job")).isEmpty();
    assertThat(leases.renew("job", "first", Duration.ofSeconds(1))).isFalse();
    assertThat(leases.tryAcquire("job", "second", Duration.ofSeconds(1))).isTrue();
    leases.release("job", "first");
    assertThat(leases.current("job")).map(Lease::owner).contains("second");
    leases.release("job", "second");
    assertThat(leases.current("job")).isEmpty();
  }

  @Test
  void aHistoryLineTornByACrashIsSkipped() throws Exception {
    RunHistory history = RunHistory.in(dir);
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    history.append(new RunRecord("job", t, 1, RunRecord.Status.SUCCEEDED, t, t, "me", "ok", null));
    java.nio.file.Files.writeString(
        history.file(), "{\"job\":\"job\",\"sched", java.nio.file.StandardOpenOption.APPEND);
    java.nio.file.Files.writeString(history.file(), "\n", java.nio.file.StandardOpenOption.APPEND);
    history.append(new RunRecord("job", t, 1, RunRecord.Status.FAILED, t, t, "me", null, "x"));
    assertThat(history.runs("job"))
        .extracting(RunRecord::status)
        .containsExactly(RunRecord.Status.SUCCEEDED, RunRecord.Status.FAILED);
  }
}
