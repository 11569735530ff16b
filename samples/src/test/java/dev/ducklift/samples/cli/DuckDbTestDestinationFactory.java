package dev.ducklift.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.LoadNotPromotableException;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.DestinationFactory;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code type: duckdb_test, file: <path>}: the runtime's DuckDB test destination, for CLI tests.
 * With {@code reject: true} it rejects every load with rows as one it can never promote.
 */
public final class DuckDbTestDestinationFactory implements DestinationFactory {

  @Override
  public String type() {
    return "duckdb_test";
  }

  @Override
  public Destination create(JsonNode config, SecretResolver secrets, Path baseDirectory) {
    Destination destination =
        new DuckDbTestDestination(baseDirectory.resolve(config.path("file").asText()));
    return config.path("reject").asBoolean(false) ? new Rejecting(destination) : destination;
  }

  private record Rejecting(Destination destination) implements Destination {
    @Override
    public String name() {
      return "duckdb_test";
    }

    @Override
    public Optional<PipelineState> restoreState(String pipelineName) {
      return destination.restoreState(pipelineName);
    }

    @Override
    public boolean isCommitted(String pipelineName, String loadId) {
      return destination.isCommitted(pipelineName, loadId);
    }

    @Override
    public PromoteResult promote(StagedLoad load) {
      if (!load.tables().isEmpty()) {
        throw new LoadNotPromotableException(
            load.loadId(), "Table " + load.tables().get(0).name() + " rejects this load");
      }
      return destination.promote(load);
    }

    @Override
    public void close() {
      destination.close();
    }
  }
}
