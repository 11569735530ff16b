package dev.ducklift.samples.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedulers in separate JVMs sharing one working directory, as two deployed workers would. */
class SchedulerProcessIT {

  @TempDir Path dir;

  @Test
  void twoProcessesContendingForOneJobNeverOverlap() throws Exception {
    Process first = child("contend", dir.toString(), "2500");
    Process second = child("contend", dir.toString(), "2500");
    assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isZero();
    assertThat(second.exitValue()).isZero();

    List<long[]> intervals = new ArrayList<>();
    int processesThatRan = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().startsWith("intervals-")).toList()) {
        processesThatRan++;
        for (String line : Files.readAllLines(f)) {
          String[] parts = line.trim().split(" ");
          intervals.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
        }
      }
    }
    intervals.sort(Comparator.comparingLong(i -> i[0]));
    assertThat(intervals).hasSizeGreaterThan(20);
    assertThat(processesThatRan).as("both processes got to run the job").isEqualTo(2);
    for (int i = 1; i < intervals.size(); i++) {
      assertThat(intervals.get(i)[0])
          .as("run %d starts after run %d ended", i, i - 1)
          .isGreaterThan(intervals.get(i - 1)[1]);
    }
    assertThat(RunHistory.in(dir).runs("shared"))
        .anyMatch(r -> r.status() == RunRecord.Status.SKIPPED);
  }

  @Test
  void aJobRunsAgainAfterItsLeaseHolderIsKilled() throws Exception {
    Process holder = child("hold", dir.toString());
    try {
      Path marker = dir.resolve("holding");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(marker) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(marker).exists();
      String holderId = Files.readString(marker).trim();
      FileLeaseStore leases = new FileLeaseStore(dir);
      assertThat(leases.current("held")).map(Lease::owner).contains(holderId);

      try (Scheduler scheduler =
          Scheduler.builder().workingDirectory(dir).leaseTtl(Duration.ofSeconds(1)).build()) {
        scheduler.schedule("held", Schedule.every(Duration.ofHours(1)), () -> "took over", null);
        // The holder is alive and renewing: well past one lease lifetime, it still holds it.
        Thread.sleep(1_500);
        assertThat(scheduler.runNow("held"))
            .singleElement()
            .extracting(RunRecord::status)
            .isEqualTo(RunRecord.Status.SKIPPED);

        holder.destroyForcibly();
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();

        RunRecord.Status status = RunRecord.Status.SKIPPED;
        while (status == RunRecord.Status.SKIPPED
            && System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(10)) {
          status = scheduler.runNow("held").get(0).status();
          if (status == RunRecord.Status.SKIPPED) {
            Thread.sleep(50);
          }
        }
        long recoveredAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(status).isEqualTo(RunRecord.Status.SUCCEEDED);
        assertThat(recoveredAfterMillis).isLessThan(3_000);
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  private static Process child(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SchedulerChild.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
