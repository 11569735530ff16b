package dev.ducklift.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.core.SecretResolver;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.DestinationFactory;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Path;

/**
 * {@code type: duckdb_test, file: <path>}: the runtime's DuckDB test destination, for CLI tests.
 */
public final class DuckDbTestDestinationFactory implements DestinationFactory {

  @Override
  public String type() {
    return "duckdb_test";
  }

  @Override
  public Destination create(JsonNode config, SecretResolver secrets, Path baseDirectory) {
    return new DuckDbTestDestination(baseDirectory.resolve(config.path("file").asText()));
  }
}
