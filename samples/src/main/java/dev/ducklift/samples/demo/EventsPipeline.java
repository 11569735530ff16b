package dev.ducklift.samples.demo;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.jdbc.JdbcSource;
import dev.ducklift.jdbc.JdbcTable;
import java.nio.file.Path;

/**
 * The demo's events pipeline in the Java DSL: the {@code public.events} table of a PostgreSQL
 * database, read incrementally by {@code created_at}, landing with {@code insert-new} (its primary
 * key {@code event_id} is reflected from the database) in table {@code events}.
 */
public final class EventsPipeline {

  /** The pipeline name (also the key of its state in the lake). */
  public static final String NAME = "events";

  private EventsPipeline() {}

  /**
   * A builder for the pipeline reading {@code jdbcUrl}, staging in {@code workingDirectory} and
   * promoting into {@code destination}.
   */
  public static Pipeline.Builder builder(
      String jdbcUrl, Path workingDirectory, Destination destination) {
    JdbcSource appDatabase =
        JdbcSource.builder("app_db")
            .url(jdbcUrl)
            .table(JdbcTable.table("public.events").timestamp("created_at").build())
            .build();
    return Pipeline.builder(NAME)
        .workingDirectory(workingDirectory)
        .source(appDatabase)
        .destination(destination);
  }
}
