package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the Java DSL example of README.md ("Writing a pipeline in Java"). */
class ReadmeExampleIT {

  @TempDir Path dir;

  // README example: begin
  static RunResult loadOrders(Path workingDirectory, Destination destination) {
    ResourceSpec spec =
        ResourceSpec.builder("orders")
            .primaryKey("id")
            .incremental(Incremental.on("updated_at").withLag(Duration.ofMinutes(5)))
            .build();
    Resource orders =
        Resources.fromFunction(
            spec,
            (context, pages) -> {
              // A real source asks its API only for records changed since this value.
              System.out.println("Reading orders from " + context.startValue());
              List<Map<String, Object>> page =
                  List.of(
                      order(1, "2024-05-01T10:00:00Z", "Ada", "A-1", "B-7"),
                      order(2, "2024-05-01T11:30:00+02:00", "Linus", "A-1"));
              pages.accept(new Page(page, "orders page 1"));
            });

    try (Pipeline pipeline =
        Pipeline.builder("shop")
            .workingDirectory(workingDirectory)
            .destination(destination)
            .resource(orders)
            .checkpointEvery(50_000)
            .listener(
                new PipelineListener() {
                  @Override
                  public void loadPromoted(String resource, String loadId, PromoteResult result) {
                    System.out.println(resource + ": load " + loadId + " committed");
                  }
                })
            .build()) {
      RunResult result = pipeline.run();
      System.out.println(result.toJson());
      return result;
    }
  }

  static Map<String, Object> order(int id, String updatedAt, String customer, String... skus) {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("id", id);
    order.put("updated_at", updatedAt);
    order.put("customer", Map.of("name", customer));
    List<Map<String, Object>> items = new ArrayList<>();
    for (String sku : skus) {
      items.add(Map.of("sku", sku, "qty", 1));
    }
    order.put("items", items);
    return order;
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
