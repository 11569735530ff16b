package dev.ducklift.benchmarks.soak;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.Secret;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.promote.DuckLakeDestination;
import dev.ducklift.jdbc.JdbcSource;
import dev.ducklift.jdbc.JdbcTable;
import java.nio.file.Path;

/**
 * One run of {@link KillSoak}'s pipeline, in its own JVM: {@code <jdbc url> <working directory>
 * <lake directory>}. Exit code 0 when the run succeeded.
 */
public final class SoakChild {

  static final String CATALOG = "catalog.ducklake";

  private SoakChild() {}

  public static void main(String[] args) {
    Path lake = Path.of(args[2]);
    JdbcSource.Builder source =
        JdbcSource.builder("pg")
            .url(args[0])
            .user(Secret.of("postgres"))
            .password(Secret.of("postgres"));
    for (String table : KillSoak.TABLES) {
      source.table(JdbcTable.table("public." + table).incrementing("id").build());
    }
    try (Pipeline pipeline =
        Pipeline.builder("soak")
            .workingDirectory(Path.of(args[1]))
            .destination(
                DuckLakeDestination.builder()
                    .catalog(CatalogLocation.duckdb(lake.resolve(CATALOG)))
                    .dataPath(lake.resolve("data"))
                    .build())
            .source(source.build())
            .checkpointEvery(1000)
            .build()) {
      pipeline.run();
    } catch (RuntimeException e) {
      e.printStackTrace();
      System.exit(4);
    }
    System.exit(0);
  }
}
