package dev.ducklift.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.testing.DuckDbTestDestination;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows staged before a naive column widens to TIMESTAMPTZ are converted in the resource's zone for
 * naive timestamps, so a page's values compare as instants whatever came first.
 */
class TimestampFormsIT {

  @TempDir Path dir;

  private static Map<String, Object> record(int id, Object when) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("when", when);
    return m;
  }

  private static long epoch(String instant) {
    return OffsetDateTime.parse(instant).toEpochSecond();
  }

  @Test
  void naiveRowsStagedBeforeAnOffsetArrivesAreReadInTheConfiguredZone() throws Exception {
    ResourceSpec spec =
        ResourceSpec.builder("events")
            .primaryKey("id")
            .naiveTimestamps(ZoneId.of("Europe/Berlin"))
            .build();
    List<Map<String, Object>> records =
        List.of(
            record(1, "2026-01-01T10:00:00"),
            record(2, "2026-01-01"),
            record(3, "2026-01-01T10:00:00+02:00"),
            record(4, "2026-07-01T10:00:00"));
    try (DuckDbTestDestination lake = new DuckDbTestDestination(dir.resolve("lake.duckdb"));
        Pipeline pipeline =
            Pipeline.builder("ts")
                .workingDirectory(dir.resolve("work"))
                .destination(lake)
                .resource(Resources.ofRecords(spec, records, 10))
                .build()) {
      RunResult result = pipeline.run();

      assertThat(lake.scalar("SELECT typeof(\"when\") FROM events LIMIT 1"))
          .isEqualTo("TIMESTAMP WITH TIME ZONE");
      List<Map<String, Object>> rows =
          lake.query("SELECT id, epoch(\"when\")::BIGINT AS e FROM events ORDER BY id");
      assertThat(rows)
          .extracting(r -> ((Number) r.get("e")).longValue())
          .containsExactly(
              epoch("2026-01-01T10:00:00+01:00"),
              epoch("2026-01-01T00:00:00+01:00"),
              epoch("2026-01-01T10:00:00+02:00"),
              epoch("2026-07-01T10:00:00+02:00"));
      assertThat(result.table("events").orElseThrow().schemaChanges())
          .contains(
              "widened column events.when TIMESTAMP -> TIMESTAMPTZ",
              "column events.when: naive timestamps read as Europe/Berlin");
    }
  }
}
