package dev.ducklift.samples.schedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A separate JVM for {@link SchedulerProcessIT}: runs a scheduler on a shared working directory.
 *
 * <ul>
 *   <li>{@code contend <dir> <millis>}: fires job {@code shared} every 10 ms for {@code millis};
 *       each run records its start and end ({@link System#nanoTime()}, which is one clock for the
 *       whole machine on Linux) in {@code intervals-<pid>.txt}.
 *   <li>{@code hold <dir>}: fires job {@code held} once; it writes {@code holding} and then blocks
 *       until the process is killed.
 * </ul>
 */
public final class SchedulerChild {

  private SchedulerChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    switch (args[0]) {
      case "contend" -> contend(dir, Long.parseLong(args[2]));
      case "hold" -> hold(dir);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void contend(Path dir, long millis) throws Exception {
    Path log = dir.resolve("intervals-" + ProcessHandle.current().pid() + ".txt");
    try (Scheduler scheduler =
        Scheduler.builder().workingDirectory(dir).leaseTtl(Duration.ofSeconds(5)).build()) {
      scheduler.schedule(
          "shared",
          Schedule.every(Duration.ofMillis(10)),
          () -> {
            long start = System.nanoTime();
            Thread.sleep(25);
            long end = System.nanoTime();
            append(log, start + " " + end + "\n");
            return null;
          },
          RetryPolicy.NONE);
      scheduler.start();
      Thread.sleep(millis);
    }
  }

  private static void hold(Path dir) throws Exception {
    Scheduler scheduler =
        Scheduler.builder().workingDirectory(dir).leaseTtl(Duration.ofSeconds(1)).build();
    scheduler.schedule(
        "held",
        Schedule.every(Duration.ofMillis(10)),
        () -> {
          append(dir.resolve("holding"), scheduler.owner());
          Thread.sleep(Long.MAX_VALUE);
          return null;
        },
        RetryPolicy.NONE);
    scheduler.start();
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(
          file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
