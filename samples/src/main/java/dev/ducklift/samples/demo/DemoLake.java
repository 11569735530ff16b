package dev.ducklift.samples.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The demo's lake: a DuckDB-file catalog and a data directory under one directory. */
public record DemoLake(Path directory) {

  public Path catalogFile() {
    return directory.resolve("catalog.ducklake");
  }

  public Path dataDirectory() {
    return directory.resolve("data");
  }

  /** The destination node a pipeline config declares for this lake. */
  public ObjectNode destinationConfig() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", "ducklake");
    node.put("catalog", catalogFile().toString());
    node.put("data_path", dataDirectory().toString());
    return node;
  }

  /** The DuckLake destination (promote stage) for this lake; creates the lake on first use. */
  public Destination destination() {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new dev.ducklift.core.DuckliftException(
          "Cannot create the lake directory " + directory + ": " + e, e);
    }
    return DuckLakeDestination.builder()
        .catalog(CatalogLocation.duckdb(catalogFile()))
        .dataPath(dataDirectory())
        .build();
  }
}
