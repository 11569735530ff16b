package dev.ducklift.core.internal;

import dev.ducklift.core.spi.PipelineState;
import java.nio.file.Path;

/** The per-pipeline MapDB state store. */
public final class StateStore implements AutoCloseable {
  public static StateStore open(Path workingDirectory, String pipelineName) {
    return new StateStore(pipelineName);
  }

  private final String pipelineName;

  private StateStore(String pipelineName) {
    this.pipelineName = pipelineName;
  }

  public PipelineState pipelineState() {
    return PipelineState.empty(pipelineName);
  }

  @Override
  public void close() {}
}
