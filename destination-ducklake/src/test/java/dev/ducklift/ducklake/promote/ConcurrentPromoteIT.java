package dev.ducklift.ducklake.promote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.Secret;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two pipelines in separate processes promote overlapping keys with insert-new into one table of a
 * lake whose catalog is in PostgreSQL: no key may end up twice, none may be missing.
 */
class ConcurrentPromoteIT {
  private static EmbeddedPostgres postgres;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void twoProcessesPromotingOverlappingKeysWithInsertNewLeaveEveryKeyOnce() throws Exception {
    String url = postgres.getJdbcUrl("postgres", "postgres");
    String schema = "lake_concurrent";
    CatalogLocation catalog =
        CatalogLocation.postgres(url, "postgres", Secret.of("postgres"), schema);
    Path data = dir.resolve("data");
    DuckLake.create(catalog, data).close();
    int runs = 4;
    int[] offsets = {0, 30};
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < offsets.length; i++) {
      Path log = dir.resolve("child-" + i + ".log");
      children.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ConcurrentChild.class.getName(),
                  url,
                  schema,
                  data.toString(),
                  dir.resolve("work-" + i).toString(),
                  "pipeline-" + i,
                  Integer.toString(offsets[i]),
                  Integer.toString(runs))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start());
    }
    for (int i = 0; i < children.size(); i++) {
      Process p = children.get(i);
      assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(dir.resolve("child-" + i + ".log"))).isZero();
    }
    TreeSet<Integer> expected = new TreeSet<>();
    for (int offset : offsets) {
      for (int i = offset; i < offset + 60 * runs; i++) {
        expected.add(i);
      }
    }
    try (DuckLake lake = DuckLake.open(catalog, data)) {
      for (var sn : lake.snapshotsAfter(0)) {
        System.out.println(
            "SNAP "
                + sn.snapshotId()
                + " "
                + sn.time()
                + " "
                + sn.changesMade()
                + " "
                + sn.commitExtraInfo());
      }
      List<String> ids = LakeRows.query(lake, "SELECT id FROM main.events ORDER BY id");
      assertThat(ids).hasSize(expected.size());
      assertThat(ids).containsExactlyElementsOf(expected.stream().map(String::valueOf).toList());
      assertThat(LakeRows.query(lake, "SELECT count(*) FROM main.events WHERE value <> 'v' || id"))
          .containsExactly("0");
      assertThat(
              LakeRows.query(
                  lake,
                  "SELECT pipeline_name, count(*) FROM _ducklift._ducklift_loads GROUP BY 1"
                      + " ORDER BY 1"))
          .containsExactly("pipeline-0|" + runs, "pipeline-1|" + runs);
      assertThat(LakeRows.query(lake, "SELECT count(*) FROM _ducklift._ducklift_state"))
          .containsExactly("2");
      LakeRows.assertVerifies(lake);
    }
  }
}
