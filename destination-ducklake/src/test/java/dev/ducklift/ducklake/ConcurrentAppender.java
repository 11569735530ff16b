package dev.ducklift.ducklake;

import dev.ducklift.core.Secret;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import java.nio.file.Path;
import java.sql.Connection;

/**
 * A separate writer process for the concurrency tests: appends {@code commits} batches of 10 rows
 * with ids {@code base + i} to {@code main.numbers} through a PostgreSQL catalog.
 *
 * <p>Arguments: jdbcUrl, metadataSchema, dataPath, base, commits.
 */
public final class ConcurrentAppender {
  private ConcurrentAppender() {}

  public static void main(String[] args) throws Exception {
    CatalogLocation catalog =
        CatalogLocation.postgres(args[0], "postgres", Secret.of("postgres"), args[1]);
    long base = Long.parseLong(args[3]);
    int commits = Integer.parseInt(args[4]);
    try (DuckLake lake = DuckLake.open(catalog, Path.of(args[2]), ConcurrencyIT.OPTIONS);
        Connection duck = Lakes.duckdb()) {
      for (int i = 0; i < commits; i++) {
        System.out.println(
            "attempts " + ConcurrencyIT.appendBatch(lake, duck, base + i * 10L).attempts());
      }
    }
  }
}
