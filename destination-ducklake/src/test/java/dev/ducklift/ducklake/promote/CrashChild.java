package dev.ducklift.ducklake.promote;

import java.nio.file.Path;

/**
 * The child process of the crash tests: runs the crash pipeline once. Started with {@code
 * -Dducklift.crash-at=<point>}, it halts at that point as a killed process would.
 *
 * <p>Arguments: lake directory, working directory, mode, dataset.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    CrashScenario.run(
        Path.of(args[0]), Path.of(args[1]), CrashScenario.Mode.fromConfigName(args[2]), args[3]);
    System.exit(0);
  }
}
