package dev.ducklift.samples.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.testing.DuckDbTestDestination;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run in which one resource fails still reports what the other resources committed. */
class AssetRunnerPartialFailureTest {

  @TempDir Path dir;

  @Test
  void reportsTheRowsOfResourcesThatCommittedBesideAFailedOne() {
    int okRows = 37;
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < okRows; i++) {
      records.add(Map.of("id", (long) i, "name", "row " + i));
    }
    DuckDbTestDestination destination = new DuckDbTestDestination(dir.resolve("dest.duckdb"));
    try (Pipeline pipeline =
        Pipeline.builder("partial")
            .workingDirectory(dir.resolve("work"))
            .destination(destination)
            .parallelism(1)
            .resource(
                Resources.ofRecords(
                    ResourceSpec.builder("good")
                        .primaryKey("id")
                        .writeDisposition(WriteDisposition.APPEND)
                        .build(),
                    records,
                    10))
            .resource(
                Resources.fromFunction(
                    ResourceSpec.builder("broken").build(),
                    (context, pages) -> {
                      throw new IOException("Upstream closed the connection");
                    }))
            .build()) {

      AssetResult result = AssetRunner.run(pipeline);

      assertThat(result.succeeded()).isFalse();
      assertThat(result.outcome()).isEqualTo(Outcome.SOURCE_FAILURE);
      assertThat(result.error()).contains("broken").contains("Upstream closed the connection");
      assertThat(result.rowsInsertedByTable()).containsEntry("good", (long) okRows);
      assertThat(result.loadIds()).hasSize(1);
      assertThat(destination.count("good")).isEqualTo(okRows);
      assertThat(result.toJsonNode().get("rows_by_table").get("good").asLong()).isEqualTo(okRows);
      assertThat(result.toJsonNode().get("exit_code").asInt())
          .isEqualTo(Outcome.SOURCE_FAILURE.exitCode());
    }
  }
}
