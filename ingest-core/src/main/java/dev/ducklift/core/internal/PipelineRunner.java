package dev.ducklift.core.internal;

import dev.ducklift.core.PipelineListener;
import dev.ducklift.core.Resource;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.spi.Destination;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Runs a pipeline once. */
public final class PipelineRunner {
  public PipelineRunner(
      String name,
      Path workingDirectory,
      Destination destination,
      List<Resource> resources,
      PipelineListener listener,
      long checkpointRows,
      int checkpointPages,
      BooleanSupplier cancelled) {}

  public RunResult run() {
    throw new UnsupportedOperationException("The pipeline runtime is being written");
  }
}
