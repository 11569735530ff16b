package dev.ducklift.samples.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.samples.events.LocalPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresLeaseStoreIT {

  static LocalPostgres postgres;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    postgres = LocalPostgres.startTemporary();
  }

  @AfterAll
  static void stop() {
    postgres.close();
  }

  @Test
  void aLeaseRowIsExclusiveUntilItLapsesOrIsReleased() throws Exception {
    PostgresLeaseStore leases = new PostgresLeaseStore(postgres.jdbcUrl(), "leases_a");
    assertThat(leases.tryAcquire("job", "first", Duration.ofMillis(300))).isTrue();
    assertThat(leases.tryAcquire("job", "second", Duration.ofMillis(300))).isFalse();
    assertThat(leases.renew("job", "first", Duration.ofMillis(300))).isTrue();
    assertThat(leases.current("job")).map(Lease::owner).contains("first");
    Thread.sleep(400);
    assertThat(leases.current("job")).isEmpty();
    assertThat(leases.renew("job", "first", Duration.ofSeconds(1))).isFalse();
    assertThat(leases.tryAcquire("job", "second", Duration.ofSeconds(5))).isTrue();
    leases.release("job", "first");
    assertThat(leases.current("job")).map(Lease::owner).contains("second");
    leases.release("job", "second");
    assertThat(leases.tryAcquire("job", "third", Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void schedulersSharingTheTableNeverRunAJobAtTheSameTime() throws Exception {
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
    try (Scheduler a =
            Scheduler.builder()
                .leases(new PostgresLeaseStore(postgres.jdbcUrl(), "leases_b"))
                .history(RunHistory.in(dir.resolve("a")))
                .build();
        Scheduler b =
            Scheduler.builder()
                .leases(new PostgresLeaseStore(postgres.jdbcUrl(), "leases_b"))
                .history(RunHistory.in(dir.resolve("b")))
                .build()) {
      a.schedule("shared", Schedule.every(Duration.ofMillis(5)), job, RetryPolicy.NONE);
      b.schedule("shared", Schedule.every(Duration.ofMillis(5)), job, RetryPolicy.NONE);
      a.start();
      b.start();
      Thread.sleep(1_500);
    }
    assertThat(runs.get()).isGreaterThan(5);
    assertThat(maxRunning.get()).isEqualTo(1);
  }
}
