package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the Java DSL example of README.md ("Writing a pipeline in Java"). */
class ReadmeExampleIT {

  @TempDir Path dir;

  // README example: begin
  static RunResult loadOrders(Path workingDirectory, Destination destination) {
    ResourceSpec orders =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .incremental(Incremental.on("updated_at"))
            .build();
    List<Map<String, Object>> records =
        List.of(
            Map.of(
                "id",
                1,
                "updated_at",
                "2024-05-01T10:00:00Z",
                "customer",
                Map.of("name", "Ada", "country", "UK"),
                "items",
                List.of(Map.of("sku", "A-1", "qty", 2), Map.of("sku", "B-7", "qty", 1))),
            Map.of(
                "id",
                2,
                "updated_at",
                "2024-05-01T11:30:00+02:00",
                "customer",
                Map.of("name", "Linus", "country", "FI"),
                "items",
                List.of(Map.of("sku", "A-1", "qty", 5))));

    try (Pipeline pipeline =
        Pipeline.builder("shop")
            .workingDirectory(workingDirectory)
            .destination(destination)
            .resource(Resources.ofRecords(orders, records, 500))
            .checkpointEvery(50_000)
            .listener(
                new PipelineListener() {
                  @Override
                  public void loadPromoted(
                      String resource, String loadId, dev.ducklift.core.spi.PromoteResult result) {
                    System.out.println(resource + ": load " + loadId + " committed");
                  }
                })
            .build()) {
      RunResult result = pipeline.run();
      System.out.println(result.toJson());
      return result;
    }
  }

  // README example: end

  @Test
  void readmeExampleLoadsOrdersWithTheirItemsAsAChildTable() {
    DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
    RunResult result = loadOrders(dir.resolve("work"), lake);

    DuckDbTestDestination reopened = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
    try {
      assertThat(reopened.count("orders")).isEqualTo(2);
      assertThat(reopened.count("orders__items")).isEqualTo(3);
      assertThat(reopened.scalar("SELECT customer__name FROM orders WHERE id = 2"))
          .isEqualTo("Linus");
      assertThat(result.table("orders").orElseThrow().rowsInserted()).isEqualTo(2);
      assertThat(result.table("orders__items").orElseThrow().rowsInserted()).isEqualTo(3);
    } finally {
      reopened.close();
    }
  }
}
