package dev.ducklift.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.samples.events.EventGenerator;
import dev.ducklift.samples.events.EventGeneratorOptions;
import dev.ducklift.samples.events.LocalPostgres;
import dev.ducklift.samples.orchestrate.DagsterPipes;
import dev.ducklift.samples.orchestrate.PipesParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run}, {@code state}, {@code schedule} and Dagster Pipes through the command line: a {@code
 * sql_database} pipeline config reading an events table of an embedded PostgreSQL into the DuckLake
 * with a DuckDB-file catalog.
 */
class CliRunIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FIRST_BATCH = 500;

  static LocalPostgres postgres;
  static int table;

  @TempDir Path dir;
  String events;

  @BeforeAll
  static void startPostgres() {
    postgres = LocalPostgres.startTemporary();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  /** Each test reads its own table, so tests do not see each other's events. */
  @BeforeEach
  void createEvents() throws Exception {
    events = "events_" + (++table);
    generate(FIRST_BATCH);
    writeConfig(postgres.jdbcUrl(), "events.yaml");
  }

  private void generate(int rows) throws Exception {
    try (Connection c = postgres.connect()) {
      new EventGenerator(new EventGeneratorOptions("public." + events, rows, null, 1, false, null))
          .run(c);
    }
  }

  private long countInPostgres() throws Exception {
    try (Connection c = postgres.connect();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM public." + events)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void writeConfig(String jdbcUrl, String file) throws Exception {
    Files.writeString(
        dir.resolve(file),
        """
        name: app_events
        working_directory: work/app_events
        destination: {type: ducklake, catalog: lake/catalog.ducklake, data_path: lake/data}
        sources:
          - name: app_db
            type: sql_database
            url: "%s"
            tables:
              - table: public.%s
                resource: events
                cursor: {mode: timestamp, column: created_at}
        """
            .formatted(jdbcUrl, events));
  }

  @Test
  void runPrintsTheResultAsJsonAndLoadsOnlyNewRowsTheSecondTime() throws Exception {
    CliRunner.Result first = CliRunner.run(dir, "run", "events.yaml", "--progress", "plain");
    assertThat(first.code()).as(first.toString()).isZero();
    JsonNode result = JSON.readTree(first.out());
    assertThat(result.get("status").asText()).isEqualTo("success");
    assertThat(result.get("exit_code").asInt()).isZero();
    assertThat(result.at("/rows_by_table/events").asLong()).isEqualTo(FIRST_BATCH);
    assertThat(result.get("load_ids")).hasSize(1);
    assertThat(result.get("lake_tables").toString()).contains("events");
    assertThat(result.get("stage_durations_ms").has("extract")).isTrue();
    assertThat(first.err()).contains("progress:");

    generate(200);
    CliRunner.Result second = CliRunner.run(dir, "run", "events.yaml", "--progress", "none");
    assertThat(second.code()).as(second.toString()).isZero();
    JsonNode again = JSON.readTree(second.out());
    assertThat(again.at("/rows_by_table/events").asLong()).isEqualTo(200);
    assertThat(countInPostgres()).isEqualTo(FIRST_BATCH + 200);
  }

  private void writeRejectingConfig(boolean reject) throws Exception {
    Files.writeString(
        dir.resolve("rejecting.yaml"),
        """
        name: rejecting
        working_directory: work/rejecting
        destination: {type: duckdb_test, file: dest.duckdb, reject: %s}
        sources:
          - name: app_db
            type: sql_database
            url: "%s"
            tables:
              - table: public.%s
                resource: events
                cursor: {mode: timestamp, column: created_at}
        """
            .formatted(reject, postgres.jdbcUrl(), events));
  }

  @Test
  void aLoadTheDestinationCannotPromoteExitsWith10UntilDiscardPendingDropsIt() throws Exception {
    writeRejectingConfig(true);
    CliRunner.Result first = CliRunner.run(dir, "run", "rejecting.yaml", "--progress", "none");
    assertThat(first.code()).as(first.toString()).isEqualTo(10);
    JsonNode result = JSON.readTree(first.out());
    assertThat(result.get("status").asText()).isEqualTo("load_not_promotable");
    String error = result.get("error").asText();
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("ducklift state discard-pending CONFIG --load (\\S+)`")
            .matcher(error);
    assertThat(id.find()).as(error).isTrue();

    // the staged load fails every run the same way
    CliRunner.Result again = CliRunner.run(dir, "run", "rejecting.yaml", "--progress", "none");
    assertThat(again.code()).as(again.toString()).isEqualTo(10);
    assertThat(JSON.readTree(again.out()).get("error").asText()).contains(id.group(1));

    CliRunner.Result discarded =
        CliRunner.run(dir, "state", "discard-pending", "rejecting.yaml", "--load", id.group(1));
    assertThat(discarded.code()).as(discarded.toString()).isZero();
    assertThat(JSON.readTree(discarded.out()).get("discarded_loads").toString())
        .isEqualTo("[\"" + id.group(1) + "\"]");

    writeRejectingConfig(false);
    CliRunner.Result after = CliRunner.run(dir, "run", "rejecting.yaml", "--progress", "none");
    assertThat(after.code()).as(after.toString()).isZero();
    assertThat(JSON.readTree(after.out()).at("/rows_by_table/events").asLong())
        .isEqualTo(countInPostgres());
  }

  @Test
  void aConfigThatCannotBeReadIsABadConfigAndNothingRuns() throws Exception {
    Files.writeString(dir.resolve("broken.yaml"), "name: broken\nsources: not-a-list\n");
    CliRunner.Result r = CliRunner.run(dir, "run", "broken.yaml", "--progress", "none");
    assertThat(r.code()).isEqualTo(3);
    JsonNode result = JSON.readTree(r.out());
    assertThat(result.get("status").asText()).isEqualTo("bad_config");
    assertThat(result.get("error").asText()).contains("sources");
  }

  @Test
  void anUnreachableSourceIsASourceFailureWithItsOwnExitCode() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    writeConfig("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres", "unreachable.yaml");
    CliRunner.Result r = CliRunner.run(dir, "run", "unreachable.yaml", "--progress", "none");
    assertThat(r.code()).as(r.toString()).isEqualTo(4);
    JsonNode result = JSON.readTree(r.out());
    assertThat(result.get("status").asText()).isEqualTo("source_failure");
    assertThat(result.get("error").asText()).isNotBlank();
  }

  @Test
  void stateShowsTheWatermarkAndResetMakesTheNextRunReadEverythingAgain() throws Exception {
    assertThat(CliRunner.run(dir, "run", "events.yaml", "--progress", "none").code()).isZero();
    CliRunner.Result shown = CliRunner.run(dir, "state", "show", "events.yaml");
    assertThat(shown.code()).as(shown.toString()).isZero();
    JsonNode state = JSON.readTree(shown.out());
    String watermark = state.at("/lake/events/watermarks//value").asText();
    assertThat(watermark).isNotEmpty();
    assertThat(state.at("/local/events/watermarks//value").asText()).isEqualTo(watermark);

    CliRunner.Result reset =
        CliRunner.run(dir, "state", "reset", "events.yaml", "--resource", "events");
    assertThat(reset.code()).as(reset.toString()).isZero();
    JsonNode after = JSON.readTree(CliRunner.run(dir, "state", "show", "events.yaml").out());
    assertThat(after.at("/lake/events/watermarks").size()).isZero();

    CliRunner.Result rerun = CliRunner.run(dir, "run", "events.yaml", "--progress", "none");
    assertThat(rerun.code()).as(rerun.toString()).isZero();
    JsonNode result = JSON.readTree(rerun.out());
    long extracted = 0;
    long skipped = 0;
    for (JsonNode t : result.at("/run/tables")) {
      if (t.get("table").asText().equals("events")) {
        extracted += t.get("rows_extracted").asLong();
        skipped += t.get("skipped_duplicates").asLong();
      }
    }
    assertThat(extracted).isEqualTo(countInPostgres());
    assertThat(skipped).isEqualTo(countInPostgres());
    assertThat(result.get("rows_inserted").asLong()).isZero();
  }

  @Test
  void stateResetNeedsAResource() {
    CliRunner.Result r = CliRunner.run(dir, "state", "reset", "events.yaml");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--resource");
  }

  @Test
  void underDagsterPipesTheRunIsReportedAsAnAssetMaterialization() throws Exception {
    Path messages = dir.resolve("messages.jsonl");
    ObjectNode context = JsonNodeFactory.instance.objectNode();
    ObjectNode data = context.putObject("data");
    data.putArray("asset_keys").add("app/events");
    data.put("run_id", "dagster-run-7");
    data.putNull("job_name");
    data.putNull("partition_key");
    data.put("retry_number", 0);
    data.putObject("extras");
    ObjectNode channel = JsonNodeFactory.instance.objectNode().put("path", messages.toString());
    Map<String, String> env =
        Map.of(
            DagsterPipes.CONTEXT_VARIABLE, PipesParams.encode(context),
            DagsterPipes.MESSAGES_VARIABLE, PipesParams.encode(channel));

    CliRunner.Result r = CliRunner.run(dir, env, "run", "events.yaml", "--progress", "none");
    assertThat(r.code()).as(r.toString()).isZero();

    List<JsonNode> stream =
        dev.ducklift.samples.orchestrate.PipesTestAccess.validateStream(Files.readString(messages));
    JsonNode materialization =
        stream.stream()
            .filter(m -> m.get("method").asText().equals("report_asset_materialization"))
            .findFirst()
            .orElseThrow()
            .get("params");
    assertThat(materialization.get("asset_key").asText()).isEqualTo("app/events");
    assertThat(materialization.at("/metadata/rows.events/raw_value").asLong())
        .isEqualTo(FIRST_BATCH);
    assertThat(materialization.at("/metadata/snapshot_id/type").asText()).isEqualTo("int");
    assertThat(JSON.readTree(r.out()).get("status").asText()).isEqualTo("success");
  }

  @Test
  void scheduleRunsThePipelineOnAFixedRateAndKeepsAHistory() throws Exception {
    CliRunner.Result r =
        CliRunner.run(
            dir,
            "schedule",
            "events.yaml",
            "--every",
            "200ms",
            "--max-fires",
            "2",
            "--progress",
            "none");
    assertThat(r.code()).as(r.toString()).isZero();
    CliRunner.Result history = CliRunner.run(dir, "schedule", "events.yaml", "--history");
    assertThat(history.code()).isZero();
    List<String> lines = history.out().lines().toList();
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      assertThat(JSON.readTree(line).get("status").asText()).isEqualTo("succeeded");
    }
  }

  @Test
  void aScheduledRunWithABrokenSourceConfigIsNotRetried() throws Exception {
    Files.writeString(
        dir.resolve("typo.yaml"),
        """
        name: typo
        working_directory: work/typo
        destination: {type: ducklake, catalog: lake/catalog.ducklake, data_path: lake/data}
        sources:
          - {name: app_db, type: sql_database, url: "jdbc:postgresql://127.0.0.1:1/x", tabels: []}
        """);
    CliRunner.Result r =
        CliRunner.run(
            dir,
            "schedule",
            "typo.yaml",
            "--every",
            "100ms",
            "--max-fires",
            "1",
            "--attempts",
            "3",
            "--backoff",
            "10ms",
            "--progress",
            "none");
    assertThat(r.code()).as(r.toString()).isZero();
    List<String> lines =
        CliRunner.run(dir, "schedule", "typo.yaml", "--history").out().lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(JSON.readTree(lines.get(0)).get("error").asText()).contains("bad_config");
  }

  @Test
  void theLakeCommandsWorkOnThePipelinesLakeAndMaintenanceKeepsItsRows() throws Exception {
    assertThat(CliRunner.run(dir, "run", "events.yaml", "--progress", "none").code()).isZero();
    generate(100);
    assertThat(CliRunner.run(dir, "run", "events.yaml", "--progress", "none").code()).isZero();
    long rows = countInPostgres();

    CliRunner.Result verified = CliRunner.run(dir, "verify", "--lake", "lake");
    assertThat(verified.code()).as(verified.toString()).isZero();
    assertThat(JSON.readTree(verified.out()).get("clean").asBoolean()).isTrue();

    CliRunner.Result dryRun =
        CliRunner.run(dir, "maintain", "--lake", "lake", "--keep-last", "1", "--dry-run");
    assertThat(dryRun.code()).as(dryRun.toString()).isZero();
    JsonNode planned = JSON.readTree(dryRun.out());
    JsonNode snapshots =
        JSON.readTree(CliRunner.run(dir, "snapshots", "--lake", "lake", "--json").out());
    assertThat(planned.at("/expire/expired_snapshots")).hasSize(snapshots.size() - 1);
    assertThat(JSON.readTree(CliRunner.run(dir, "snapshots", "--lake", "lake", "--json").out()))
        .hasSize(snapshots.size());

    dev.ducklift.samples.schedule.MaintenancePlan plan =
        new dev.ducklift.samples.schedule.MaintenancePlan(
            1, null, true, 1L << 30, true, null, false);
    try (dev.ducklift.samples.schedule.Scheduler scheduler =
        dev.ducklift.samples.schedule.Scheduler.builder()
            .workingDirectory(dir.resolve("maintenance"))
            .build()) {
      scheduler.schedule(
          "maintain-lake",
          dev.ducklift.samples.schedule.Schedule.cron("0 3 * * *"),
          plan.job(
              () ->
                  dev.ducklift.ducklake.DuckLake.open(
                      dev.ducklift.ducklake.catalog.CatalogLocation.duckdb(
                          dir.resolve("lake/catalog.ducklake")),
                      dir.resolve("lake/data"))),
          dev.ducklift.samples.schedule.RetryPolicy.NONE);
      var attempts = scheduler.runNow("maintain-lake");
      assertThat(attempts)
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.status())
                    .as(a.error())
                    .isEqualTo(dev.ducklift.samples.schedule.RunRecord.Status.SUCCEEDED);
                assertThat(a.summary()).contains("expired_snapshots").contains("cleanup");
              });
    }

    CliRunner.Result count =
        CliRunner.run(dir, "query", "--lake", "lake", "--json", "SELECT count(*) FROM events");
    assertThat(JSON.readTree(count.out()).at("/rows/0/0").asLong()).isEqualTo(rows);
    CliRunner.Result after = CliRunner.run(dir, "verify", "--lake", "lake");
    assertThat(after.code()).as(after.toString()).isZero();
    JsonNode remaining =
        JSON.readTree(CliRunner.run(dir, "snapshots", "--lake", "lake", "--json").out());
    long lastBeforeMaintenance = snapshots.get(snapshots.size() - 1).get("snapshot_id").asLong();
    assertThat(remaining.get(0).get("snapshot_id").asLong()).isEqualTo(lastBeforeMaintenance);
  }

  @Test
  void twoWorkersPromoteConcurrentlyIntoALakeWithAPostgresCatalog() throws Exception {
    String catalogDatabase = "shared_lake_" + table;
    postgres.createDatabase(catalogDatabase);
    String catalogUrl = "jdbc:postgresql://localhost:" + postgres.port() + "/" + catalogDatabase;
    // Trust authentication: the password is required by the config but never asked for.
    Files.writeString(dir.resolve("secrets.yaml"), "catalog_password: not-asked-for\n");
    for (int shard = 0; shard < 2; shard++) {
      Files.writeString(
          dir.resolve("shard_" + shard + ".yaml"),
          """
          name: events_shard_%d
          working_directory: work/shard_%d
          secrets_file: secrets.yaml
          destination:
            type: ducklake
            catalog: {url: "%s", user: postgres, password: "secrets:catalog_password"}
            data_path: shared/data
          sources:
            - name: app_db
              type: sql_database
              url: "%s"
              tables:
                - query: "SELECT * FROM public.%s WHERE abs(hashtext(event_id::text)) %% 2 = %d"
                  resource: events
                  primary_key: [event_id]
                  cursor: {mode: timestamp, column: created_at}
          """
              .formatted(shard, shard, catalogUrl, postgres.jdbcUrl(), events, shard));
    }
    for (int round = 0; round < 2; round++) {
      var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var first =
            pool.submit(() -> CliRunner.run(dir, "run", "shard_0.yaml", "--progress", "none"));
        var second =
            pool.submit(() -> CliRunner.run(dir, "run", "shard_1.yaml", "--progress", "none"));
        assertThat(first.get().code()).as(first.get().toString()).isZero();
        assertThat(second.get().code()).as(second.get().toString()).isZero();
      } finally {
        pool.shutdown();
      }
      generate(150);
    }

    String[] catalog = {
      "--catalog", catalogUrl, "--catalog-user", "postgres", "--data", "shared/data"
    };
    CliRunner.Result count =
        CliRunner.run(
            dir,
            concat(
                new String[] {
                  "query", "--json", "SELECT count(*), count(DISTINCT event_id) FROM events"
                },
                catalog));
    assertThat(count.code()).as(count.toString()).isZero();
    long expected = countInPostgres() - 150;
    assertThat(JSON.readTree(count.out()).at("/rows/0/0").asLong()).isEqualTo(expected);
    assertThat(JSON.readTree(count.out()).at("/rows/0/1").asLong()).isEqualTo(expected);
    CliRunner.Result snapshots =
        CliRunner.run(dir, concat(new String[] {"snapshots", "--json"}, catalog));
    long loads = 0;
    for (JsonNode snapshot : JSON.readTree(snapshots.out())) {
      if (snapshot.get("changes").asText().contains("inserted_into_table")) {
        loads++;
      }
    }
    assertThat(loads).isEqualTo(4);
    assertThat(CliRunner.run(dir, concat(new String[] {"verify"}, catalog)).code()).isZero();
  }

  private static String[] concat(String[] first, String... rest) {
    String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }

  @Test
  void scheduleRejectsABadCronExpression() {
    CliRunner.Result r = CliRunner.run(dir, "schedule", "events.yaml", "--cron", "99 * * * *");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("99 * * * *");
  }
}
