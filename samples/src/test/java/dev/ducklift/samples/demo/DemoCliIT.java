package dev.ducklift.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ducklift.samples.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shortened demo run twice through the command line (embedded PostgreSQL, events pipeline,
 * DuckLake with a DuckDB-file catalog), then the lake commands against the demo's lake.
 */
class DemoCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 300;
  private static final int BATCHES = 2;
  private static final long PER_ROUND = ROWS * BATCHES;

  @TempDir static Path dir;
  static CliRunner.Result first;
  static CliRunner.Result second;

  @BeforeAll
  static void runTheDemoTwice() {
    String[] args = {
      "demo",
      "--dir",
      "demo",
      "--rows",
      "" + ROWS,
      "--batches",
      "" + BATCHES,
      "--seed",
      "5",
      "--progress",
      "plain"
    };
    first = CliRunner.run(dir, args);
    String[] withoutRest = java.util.Arrays.copyOf(args, args.length + 1);
    withoutRest[args.length] = "--no-rest";
    second = CliRunner.run(dir, withoutRest);
  }

  @Test
  void theDemoLoadsEachRoundsNewEventsAndExplainsWhatHappened() {
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out())
        .contains("Round 1: generated " + n(PER_ROUND) + " new events")
        .contains("Round 2: generated " + n(PER_ROUND) + " new events")
        .contains("inserted " + n(PER_ROUND) + " into the lake")
        .contains("Snapshots created by this demo run:")
        .contains("Events in the lake by type")
        .containsPattern(
            "Time travel: at snapshot \\d+ \\(after round 1\\) the lake held "
                + n(PER_ROUND)
                + " events; now it holds "
                + n(2 * PER_ROUND));
    assertThat(first.err()).contains("progress:");
  }

  @Test
  void theRestSampleLandsTicketsWithTheirCommentsInTheSameLake() throws Exception {
    assertThat(first.out())
        .contains("REST sample: the bundled tickets API")
        .contains("Tickets in the lake: 40");
    CliRunner.Result r =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "demo/lake",
            "--json",
            "SELECT (SELECT count(*) FROM tickets), (SELECT count(DISTINCT _dl_parent_id)"
                + " FROM tickets__comments)");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(JSON.readTree(r.out()).at("/rows/0/0").asLong()).isEqualTo(40);
    assertThat(JSON.readTree(r.out()).at("/rows/0/1").asLong()).isEqualTo(40);
  }

  @Test
  void verifyFindsTheDemoLakeSound() throws Exception {
    CliRunner.Result r = CliRunner.run(dir, "verify", "--lake", "demo/lake");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(JSON.readTree(r.out()).get("clean").asBoolean()).isTrue();
  }

  @Test
  void maintainPlansAnExpiryOfTheDemoLakeWithoutChangingIt() throws Exception {
    CliRunner.Result before = CliRunner.run(dir, "snapshots", "--lake", "demo/lake", "--json");
    int count = JSON.readTree(before.out()).size();
    CliRunner.Result r =
        CliRunner.run(dir, "maintain", "--lake", "demo/lake", "--keep-last", "2", "--dry-run");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(JSON.readTree(r.out()).at("/expire/expired_snapshots")).hasSize(count - 2);
    CliRunner.Result after = CliRunner.run(dir, "snapshots", "--lake", "demo/lake", "--json");
    assertThat(JSON.readTree(after.out())).hasSize(count);
  }

  @Test
  void aSecondDemoRunContinuesWhereTheFirstLeftOff() {
    assertThat(second.code()).as(second.toString()).isZero();
    assertThat(second.out())
        .contains("continuing with its database, lake and state")
        .containsPattern(
            "the lake held " + n(3 * PER_ROUND) + " events; now it holds " + n(4 * PER_ROUND));
  }

  @Test
  void theAggregateCountsEveryEventOnce() throws Exception {
    CliRunner.Result r =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "demo/lake",
            "--json",
            "SELECT count(*), count(DISTINCT event_id), count(DISTINCT event_type) FROM events");
    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode row = JSON.readTree(r.out()).at("/rows/0");
    assertThat(row.get(0).asLong()).isEqualTo(4 * PER_ROUND);
    assertThat(row.get(1).asLong()).isEqualTo(4 * PER_ROUND);
    assertThat(row.get(2).asLong()).isGreaterThan(5);
  }

  @Test
  void snapshotsListsOneSnapshotPerLoad() throws Exception {
    CliRunner.Result r = CliRunner.run(dir, "snapshots", "--lake", "demo/lake", "--json");
    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode snapshots = JSON.readTree(r.out());
    long loads = 0;
    long previous = -1;
    for (JsonNode s : snapshots) {
      assertThat(s.get("snapshot_id").asLong()).isGreaterThan(previous);
      previous = s.get("snapshot_id").asLong();
      if (s.get("changes").asText().contains("inserted_into_table")) {
        loads++;
      }
    }
    assertThat(loads).as("four events loads and one tickets load").isEqualTo(5);

    CliRunner.Result table = CliRunner.run(dir, "snapshots", "--lake", "demo/lake", "--last", "2");
    assertThat(table.out()).contains("snapshot | time").contains("(2 rows)");
  }

  @Test
  void queryTravelsBackToTheSnapshotOfTheFirstRound() throws Exception {
    long firstSnapshot = snapshotOfFirstRound();
    CliRunner.Result then =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "demo/lake",
            "--snapshot",
            "" + firstSnapshot,
            "--json",
            "SELECT count(*) FROM events");
    assertThat(then.code()).as(then.toString()).isZero();
    assertThat(JSON.readTree(then.out()).at("/rows/0/0").asLong()).isEqualTo(PER_ROUND);

    CliRunner.Result list = CliRunner.run(dir, "snapshots", "--lake", "demo/lake", "--json");
    String time = null;
    for (JsonNode s : JSON.readTree(list.out())) {
      if (s.get("snapshot_id").asLong() == firstSnapshot) {
        time = s.get("time").asText();
      }
    }
    CliRunner.Result at =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "demo/lake",
            "--at",
            time,
            "--json",
            "SELECT count(*) FROM events");
    assertThat(at.code()).as(at.toString()).isZero();
    assertThat(JSON.readTree(at.out()).get("snapshot_id").asLong()).isEqualTo(firstSnapshot);
  }

  @Test
  void queryPrintsAnAlignedTableByDefault() {
    CliRunner.Result r =
        CliRunner.run(
            dir,
            "query",
            "--lake",
            "demo/lake",
            "SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("event_type").contains("-+-").containsPattern("\\(\\d+ rows\\)");
  }

  @Test
  void badSqlIsAUsageErrorNamingTheProblem() {
    CliRunner.Result r =
        CliRunner.run(dir, "query", "--lake", "demo/lake", "SELECT * FROM nowhere");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("nowhere");
  }

  @Test
  void aMissingLakeIsABadConfigAndTheDefaultIsExplained() {
    CliRunner.Result missing = CliRunner.run(dir, "snapshots", "--lake", "no-such-lake");
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).contains("No lake catalog at").contains("no-such-lake");
    CliRunner.Result noDefault = CliRunner.run(dir, "snapshots");
    assertThat(noDefault.code()).isEqualTo(3);
    assertThat(noDefault.err()).contains("ducklift demo");
  }

  @Test
  void theDemoKeepsEverythingUnderItsDirectory() {
    assertThat(dir.resolve("demo/postgres/PG_VERSION")).exists();
    assertThat(dir.resolve("demo/lake/catalog.ducklake")).exists();
    assertThat(Files.isDirectory(dir.resolve("demo/lake/data"))).isTrue();
    assertThat(Files.isDirectory(dir.resolve("demo/work/events"))).isTrue();
  }

  private static String n(long value) {
    return String.format(java.util.Locale.ROOT, "%,d", value);
  }

  private static long snapshotOfFirstRound() {
    Matcher m = Pattern.compile("Time travel: at snapshot (\\d+)").matcher(first.out());
    assertThat(m.find()).as(first.out()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
