package dev.ducklift.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.testing.DuckDbTestDestination;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's generate-and-load rounds through the real runtime and JDBC source, promoting into the
 * runtime's plain DuckDB test destination (the lake-reading part is covered where the DuckLake
 * destination is available).
 */
class EventsPipelineIT {

  @TempDir Path dir;

  @Test
  void eachRoundLoadsExactlyTheNewEventsAndASecondDemoRunContinues() throws Exception {
    Path destinationFile = dir.resolve("destination.duckdb");
    EventsDemo.Settings settings = new EventsDemo.Settings(dir.resolve("demo"), 400, 2, 2, 11L);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);

    EventsDemo.Report first =
        new EventsDemo(settings, lake -> new DuckDbTestDestination(destinationFile), false, null)
            .run(out);
    assertThat(first.succeeded()).as(text.toString(StandardCharsets.UTF_8)).isTrue();
    assertThat(first.rounds()).hasSize(2);
    for (EventsDemo.Round round : first.rounds()) {
      assertThat(round.generated()).isEqualTo(800);
      assertThat(round.result().rowsInsertedByTable()).containsEntry("events", 800L);
    }

    EventsDemo.Report second =
        new EventsDemo(
                settings.withSeed(12L),
                lake -> new DuckDbTestDestination(destinationFile),
                false,
                null)
            .run(out);
    assertThat(second.succeeded()).isTrue();
    assertThat(second.rounds().get(0).result().rowsInsertedByTable()).containsEntry("events", 800L);

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + destinationFile);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM events")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(4 * 800);
      assertThat(rs.getLong(2)).isEqualTo(4 * 800);
    }
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("Round 1: generated 800 new events")
        .contains("continuing with its database");
  }
}
