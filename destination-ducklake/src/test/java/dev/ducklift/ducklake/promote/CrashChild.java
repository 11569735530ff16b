package dev.ducklift.ducklake.promote;

import dev.ducklift.core.WriteDisposition;
import java.nio.file.Path;

/**
 * The child process of the crash tests: runs the crash pipeline once. Started with {@code
 * -Dducklift.crash-at=<point>}, it halts at that point as a killed process would.
 *
 * <p>Arguments: lake directory, working directory, disposition, dataset, and optionally {@code
 * partitioned}.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    CrashScenario.run(
        Path.of(args[0]),
        Path.of(args[1]),
        WriteDisposition.fromConfigName(args[2]),
        args[3],
        args.length > 4 && args[4].equals("partitioned"));
    System.exit(0);
  }
}
