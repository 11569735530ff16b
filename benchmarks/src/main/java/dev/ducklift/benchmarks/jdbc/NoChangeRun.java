package dev.ducklift.benchmarks.jdbc;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.Secret;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.jdbc.JdbcSource;
import dev.ducklift.jdbc.JdbcTable;
import java.nio.file.Path;

/**
 * Runs the benchmark's events pipeline once in a fresh JVM, for {@link JdbcSourceBenchmark}'s
 * cold-start measurement: {@code <jdbc url> <working directory> <lake directory>}. Prints the rows
 * inserted and the in-process time from {@code main} to the end of the run.
 */
public final class NoChangeRun {

  private NoChangeRun() {}

  public static void main(String[] args) {
    long start = System.nanoTime();
    Path lakeDir = Path.of(args[2]);
    try (Pipeline pipeline =
        Pipeline.builder("jdbc-benchmark")
            .workingDirectory(Path.of(args[1]))
            .destination(
                DuckLakeDestination.builder()
                    .catalog(CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake")))
                    .dataPath(lakeDir.resolve("data"))
                    .build())
            .source(
                JdbcSource.builder("pg")
                    .url(args[0])
                    .user(Secret.of("postgres"))
                    .password(Secret.of("postgres"))
                    .table(JdbcTable.table("public.events").timestamp("event_timestamp").build())
                    .build())
            .build()) {
      long built = System.nanoTime();
      RunResult result = pipeline.run();
      long end = System.nanoTime();
      System.out.printf(
          "rows inserted %d, in-process %.0f ms (building the pipeline %.0f ms, running it %.0f"
              + " ms)%n",
          result.rowsInserted(), (end - start) / 1e6, (built - start) / 1e6, (end - built) / 1e6);
    }
  }
}
