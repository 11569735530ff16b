package dev.ducklift.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake commands against a copy of a lake written by the official DuckLake extension (fixture
 * {@code 02-deletes-updates}: inserts, deletes and an update over eight snapshots).
 */
class CliLakeIT {

  private static final Path FIXTURE = Path.of("/work/shared/ducklake/fixtures/02-deletes-updates");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path lake;

  @BeforeAll
  static void copyFixture() throws IOException {
    lake = dir.resolve("lake");
    Path source = fixture();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path target = lake.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
          target.toFile().setWritable(true);
        }
      }
    }
  }

  private static Path fixture() {
    // The fixtures live beside the repository in the shared workspace; the copy in the module's
    // test resources is used when present (a clean clone).
    Path bundled = Path.of("src/test/resources/fixtures/02-deletes-updates");
    return Files.isDirectory(bundled) ? bundled : FIXTURE;
  }

  @Test
  void snapshotsListsEverySnapshotOfTheLake() throws Exception {
    CliRunner.Result r = CliRunner.run(dir, "snapshots", "--lake", "lake", "--json");
    assertThat(r.code()).as(r.toString()).isZero();
    List<String> expected = Files.readAllLines(lake.resolve("expected/snapshots.csv"));
    JsonNode snapshots = JSON.readTree(r.out());
    assertThat(snapshots).hasSize(expected.size() - 1);
    assertThat(snapshots.get(0).get("snapshot_id").asLong()).isZero();
  }

  @Test
  void snapshotsPrintsATableByDefault() {
    CliRunner.Result r = CliRunner.run(dir, "snapshots", "--lake", "lake", "--last", "2");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("snapshot | time").contains("(2 rows)");
  }

  @Test
  void queryReadsTheLatestSnapshotAndTravelsBackInTime() throws Exception {
    long latest = expectedRows(7);
    long atTwo = expectedRows(2);
    assertThat(latest).isNotEqualTo(atTwo);

    CliRunner.Result now =
        CliRunner.run(dir, "query", "--lake", "lake", "--json", "SELECT count(*) AS n FROM events");
    assertThat(now.code()).as(now.toString()).isZero();
    assertThat(JSON.readTree(now.out()).at("/rows/0/0").asLong()).isEqualTo(latest);
    assertThat(JSON.readTree(now.out()).get("snapshot_id").asLong()).isEqualTo(7);

    CliRunner.Result then =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "lake",
            "--snapshot",
            "2",
            "--json",
            "SELECT count(*) AS n FROM events");
    assertThat(then.code()).as(then.toString()).isZero();
    assertThat(JSON.readTree(then.out()).at("/rows/0/0").asLong()).isEqualTo(atTwo);
  }

  @Test
  void queryAtATimeReadsTheSnapshotThatWasCurrentThen() throws Exception {
    CliRunner.Result list = CliRunner.run(dir, "snapshots", "--lake", "lake", "--json");
    String timeOfTwo = JSON.readTree(list.out()).get(2).get("time").asText();
    CliRunner.Result r =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "lake",
            "--at",
            timeOfTwo,
            "--json",
            "SELECT count(*) FROM events");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(JSON.readTree(r.out()).get("snapshot_id").asLong()).isEqualTo(2);
    assertThat(JSON.readTree(r.out()).at("/rows/0/0").asLong()).isEqualTo(expectedRows(2));
  }

  @Test
  void queryPrintsAnAlignedTable() {
    CliRunner.Result r =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "lake",
            "SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .startsWith("event_type")
        .contains("-+-")
        .containsPattern("\\(\\d+ rows?\\)");
  }

  @Test
  void badSqlIsAUsageErrorNamingTheProblem() {
    CliRunner.Result r = CliRunner.run(dir, "query", "--lake", "lake", "SELECT * FROM nowhere");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("nowhere");
  }

  @Test
  void aMissingLakeIsABadConfig() {
    CliRunner.Result r = CliRunner.run(dir, "snapshots", "--lake", "no-such-lake");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("No lake catalog at").contains("no-such-lake");
  }

  @Test
  void theDefaultLakeIsTheDemosAndItsAbsenceIsExplained() {
    CliRunner.Result r = CliRunner.run(dir, "snapshots");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("ducklift demo");
  }

  private static long expectedRows(long snapshot) throws IOException {
    Path csv = lake.resolve("expected/main.events@" + snapshot + ".csv");
    return Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).count() - 1;
  }
}
