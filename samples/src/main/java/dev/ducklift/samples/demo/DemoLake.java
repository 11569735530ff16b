package dev.ducklift.samples.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.Secrets;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.DestinationFactory;
import dev.ducklift.samples.orchestrate.NotAvailableException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/** The demo's lake: a DuckDB-file catalog and a data directory under one directory. */
public record DemoLake(Path directory) {

  public Path catalogFile() {
    return directory.resolve("catalog.ducklake");
  }

  public Path dataDirectory() {
    return directory.resolve("data");
  }

  /** The destination config a pipeline file would declare for this lake. */
  public ObjectNode destinationConfig() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", "ducklake");
    node.put("catalog", catalogFile().toString());
    node.put("data_path", dataDirectory().toString());
    return node;
  }

  /**
   * The DuckLake destination (promote stage) for this lake, found like a config's destination.
   *
   * @throws NotAvailableException when this build has no {@code ducklake} destination
   */
  public Destination destination() {
    for (DestinationFactory factory : ServiceLoader.load(DestinationFactory.class)) {
      if (factory.type().equals("ducklake")) {
        return factory.create(destinationConfig(), Secrets.fromEnvironment(), directory);
      }
    }
    throw new NotAvailableException(
        "The DuckLake destination (promote stage) is not available in this build");
  }
}
