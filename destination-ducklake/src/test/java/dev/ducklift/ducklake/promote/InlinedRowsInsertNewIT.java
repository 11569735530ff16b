package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.Resources;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.TableRunResult;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Insert-new into a table whose rows the official extension inlined into the catalog. */
class InlinedRowsInsertNewIT {
  private static final Path FIXTURE = Path.of("/work/shared/ducklake/fixtures/03-inlined");

  @TempDir Path dir;

  private static Map<String, Object> reading(String sensor, String ts, double value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sensor", sensor);
    m.put("ts", LocalDateTime.parse(ts));
    m.put("value", value);
    return m;
  }

  @Test
  void keysOfInlinedRowsAreSkippedLikeKeysInParquetFiles() throws Exception {
    Path lakeDir = dir.resolve("lake");
    try (Stream<Path> files = Files.walk(FIXTURE)) {
      for (Path p : files.toList()) {
        Path to = lakeDir.resolve(FIXTURE.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    CatalogLocation catalog = CatalogLocation.duckdb(lakeDir.resolve("catalog.ducklake"));
    List<Map<String, Object>> records =
        List.of(
            reading("a", "2025-03-01T00:00:00", 99), // inlined at snapshot 2
            reading("z", "2025-03-03T00:00:00", 99), // inlined at snapshot 7
            reading("s1", "2025-03-02T00:00:01", 99), // in the Parquet file
            reading("b", "2025-03-01T00:00:01", 7.5), // inlined, then deleted: new again
            reading("n1", "2025-03-04T00:00:00", 1.0),
            reading("n2", "2025-03-04T00:00:01", 2.0));
    ResourceSpec spec =
        ResourceSpec.builder("readings")
            .primaryKey("sensor", "ts")
            .writeDisposition(WriteDisposition.INSERT_NEW)
            .build();
    RunResult result;
    try (Pipeline p =
        Pipeline.builder("p1")
            .workingDirectory(dir.resolve("work"))
            .destination(
                DuckLakeDestination.builder()
                    .catalog(catalog)
                    .dataPath(lakeDir.resolve("data"))
                    .build())
            .resource(Resources.ofRecords(spec, records, 10))
            .build()) {
      result = p.run();
    }
    TableRunResult t = result.table("readings").orElseThrow();
    assertThat(t.rowsInserted()).isEqualTo(3);
    assertThat(t.skippedDuplicates()).isEqualTo(3);
    assertThat(t.notes()).contains("keys of inlined rows checked");

    try (DuckLake lake = DuckLake.open(catalog, lakeDir.resolve("data"));
        LakeReader reader = LakeReader.open(lake);
        LakeSession session = reader.at(t.snapshotId())) {
      String expected =
          "SELECT sensor, ts, value FROM read_parquet('"
              + lakeDir.resolve("expected/main.readings@7.parquet")
              + "') UNION ALL SELECT * FROM (VALUES ('b', TIMESTAMP '2025-03-01 00:00:01', 7.5),"
              + " ('n1', TIMESTAMP '2025-03-04 00:00:00', 1.0),"
              + " ('n2', TIMESTAMP '2025-03-04 00:00:01', 2.0)) v(sensor, ts, value)";
      assertThat(
              session
                  .sql(
                      "(SELECT 'unexpected', sensor, ts, value FROM main.readings EXCEPT ALL"
                          + " SELECT 'unexpected', * FROM ("
                          + expected
                          + ")) UNION ALL (SELECT 'missing', * FROM ("
                          + expected
                          + ") EXCEPT ALL SELECT 'missing', sensor, ts, value FROM main.readings)")
                  .rows())
          .isEmpty();
      assertThat(
              session
                  .sql(
                      "SELECT count(*) FROM (SELECT sensor, ts FROM main.readings GROUP BY ALL"
                          + " HAVING count(*) > 1)")
                  .scalar())
          .isEqualTo(0L);
      LakeRows.assertVerifies(lake);
    }
  }
}
