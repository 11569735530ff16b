package dev.ducklift.samples.demo;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.PipelineListener;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.ducklake.read.LakeReader;
import dev.ducklift.ducklake.read.LakeSession;
import dev.ducklift.ducklake.read.QueryResult;
import dev.ducklift.ducklake.read.Snapshot;
import dev.ducklift.samples.events.EventGenerator;
import dev.ducklift.samples.events.EventGeneratorOptions;
import dev.ducklift.samples.events.LocalPostgres;
import dev.ducklift.samples.orchestrate.AssetResult;
import dev.ducklift.samples.orchestrate.AssetRunner;
import dev.ducklift.samples.rest.TicketsApi;
import dev.ducklift.samples.rest.TicketsPipeline;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The event-generator demo on the embedded default: an embedded PostgreSQL with an {@code events}
 * table, the {@link EventsPipeline} (incremental JDBC source, staging, insert-new) and a DuckLake
 * whose catalog is a DuckDB file — all under one directory, so running it again continues where the
 * last run left off.
 *
 * <p>Each round generates events and runs the pipeline once; then the demo shows the snapshots the
 * runs created, an aggregate query over the lake and a time-travel query at the snapshot of the
 * first round.
 */
public final class EventsDemo {

  /**
   * What the demo does.
   *
   * @param directory everything lives here: {@code postgres/}, {@code lake/}, {@code work/}
   * @param rowsPerBatch events per generator batch
   * @param batchesPerRound generator batches before each pipeline run
   * @param rounds generate-then-load rounds (at least 1; the time-travel query needs 2)
   * @param seed random seed for the events, or {@code null}
   * @param withRestSample whether to load the bundled tickets API into the same lake afterwards
   */
  public record Settings(
      Path directory,
      int rowsPerBatch,
      int batchesPerRound,
      int rounds,
      Long seed,
      boolean withRestSample) {
    public Settings {
      Objects.requireNonNull(directory, "directory");
      if (rowsPerBatch < 1 || batchesPerRound < 1 || rounds < 1) {
        throw new IllegalArgumentException("Rows, batches and rounds must be at least 1");
      }
    }

    public Settings withSeed(Long value) {
      return new Settings(directory, rowsPerBatch, batchesPerRound, rounds, value, withRestSample);
    }

    /** Two rounds of 2 × 5,000 events. */
    public static Settings defaults(Path directory) {
      return new Settings(directory, 5_000, 2, 2, null, true);
    }
  }

  /**
   * One round.
   *
   * @param generated events written to PostgreSQL before the run
   * @param result the pipeline run
   * @param lakeSnapshotAfter the lake's latest snapshot after the run, when there is a lake
   */
  public record Round(long generated, AssetResult result, Optional<Long> lakeSnapshotAfter) {}

  /**
   * What the demo did and found.
   *
   * @param rounds the rounds, in order
   * @param rest the REST sample's run, when it ran
   * @param snapshots the lake snapshots created during this demo run
   * @param aggregate the aggregate query's result at the latest snapshot
   * @param eventsAtFirstRound events in the lake at the snapshot after the first round
   * @param eventsNow events in the lake at the latest snapshot
   */
  public record Report(
      List<Round> rounds,
      Optional<Round> rest,
      List<Snapshot> snapshots,
      Optional<QueryResult> aggregate,
      Optional<Long> eventsAtFirstRound,
      Optional<Long> eventsNow) {

    public boolean succeeded() {
      return rounds.stream().allMatch(r -> r.result().succeeded())
          && rest.map(r -> r.result().succeeded()).orElse(true);
    }
  }

  private final Settings settings;
  private final Function<DemoLake, Destination> destinations;
  private final boolean readLake;
  private final PipelineListener listener;

  /** The demo promoting into its DuckLake. */
  public EventsDemo(Settings settings, PipelineListener listener) {
    this(settings, DemoLake::destination, true, listener);
  }

  /**
   * A demo promoting into {@code destinations}' destination; {@code readLake} says whether that is
   * the DuckLake under {@code <directory>/lake} (then snapshots, the aggregate and time travel are
   * read from it).
   */
  public EventsDemo(
      Settings settings,
      Function<DemoLake, Destination> destinations,
      boolean readLake,
      PipelineListener listener) {
    this.settings = settings;
    this.destinations = destinations;
    this.readLake = readLake;
    this.listener = listener;
  }

  public Path directory() {
    return settings.directory();
  }

  public DemoLake lake() {
    return new DemoLake(settings.directory().resolve("lake"));
  }

  /**
   * Runs the demo, narrating to {@code out}.
   *
   * @throws dev.ducklift.core.DuckliftException when PostgreSQL cannot start or the lake cannot be
   *     read; a failed pipeline run is reported in the result instead
   */
  public Report run(PrintStream out) {
    Path dir = settings.directory().toAbsolutePath().normalize();
    DemoLake lake = new DemoLake(dir.resolve("lake"));
    Path work = dir.resolve("work").resolve(EventsPipeline.NAME);
    boolean continuing =
        Files.exists(dir.resolve("postgres").resolve("PG_VERSION"))
            || Files.exists(lake.catalogFile());
    out.println("Ducklift demo: everything lives under " + dir);
    if (continuing) {
      out.println("  (found an earlier run: continuing with its database, lake and state)");
    }
    Optional<Long> startSnapshot = readLake ? latestSnapshot(lake) : Optional.empty();
    List<Round> rounds = new ArrayList<>();
    try (LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"))) {
      out.println(
          "  PostgreSQL (embedded, port "
              + postgres.port()
              + ") data: "
              + dir.relativize(dir.resolve("postgres")));
      out.println(
          "  DuckLake catalog: "
              + dir.relativize(lake.catalogFile())
              + ", data files: "
              + dir.relativize(lake.dataDirectory()));
      out.println();
      // A seeded demo run again must not repeat the ids of the events it already wrote.
      Long seed = settings.seed() == null ? null : settings.seed() + existingEvents(postgres);
      EventGenerator generator =
          new EventGenerator(
              new EventGeneratorOptions(
                  "public.events",
                  settings.rowsPerBatch(),
                  java.time.Duration.ZERO,
                  settings.batchesPerRound(),
                  false,
                  seed));
      for (int round = 1; round <= settings.rounds(); round++) {
        long generated;
        try (Connection c = postgres.connect()) {
          generated = generator.run(c).rows();
        } catch (SQLException e) {
          throw new dev.ducklift.core.DuckliftException(
              "Cannot connect to the embedded PostgreSQL: " + e.getMessage(), e);
        }
        out.printf(
            Locale.ROOT,
            "Round %d: generated %,d new events in PostgreSQL table public.events%n",
            round,
            generated);
        AssetResult result;
        Pipeline.Builder builder =
            EventsPipeline.builder(postgres.jdbcUrl(), work, destinations.apply(lake));
        if (listener != null) {
          builder.listener(listener);
        }
        try (Pipeline pipeline = builder.build()) {
          result = AssetRunner.run(pipeline);
        }
        Optional<Long> after = readLake ? latestSnapshot(lake) : Optional.empty();
        rounds.add(new Round(generated, result, after));
        describe(out, result);
        if (!result.succeeded()) {
          break;
        }
      }
    }
    Optional<Round> rest =
        settings.withRestSample() && rounds.stream().allMatch(r -> r.result().succeeded())
            ? Optional.of(restSample(out, dir, lake))
            : Optional.empty();
    boolean failed =
        rounds.stream().anyMatch(r -> !r.result().succeeded())
            || rest.map(r -> !r.result().succeeded()).orElse(false);
    if (!readLake || failed) {
      return new Report(
          rounds, rest, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }
    return reportLake(out, lake, startSnapshot, rounds, rest);
  }

  /**
   * The REST sample: the bundled tickets API (bearer auth, link pagination, incremental by {@code
   * updated_at}) merged by id into the same lake. Each demo run starts the API afresh, so the
   * tickets it serves are newer versions of the same ids.
   */
  private Round restSample(PrintStream out, Path dir, DemoLake lake) {
    String token = java.util.UUID.randomUUID().toString();
    int tickets = 40;
    try (TicketsApi api =
        TicketsApi.start(
            tickets,
            token,
            settings.seed() == null ? System.nanoTime() : settings.seed(),
            java.time.Instant.now().minus(java.time.Duration.ofMinutes(10)))) {
      api.updateTickets(10);
      out.println();
      out.println(
          "REST sample: the bundled tickets API at "
              + api.baseUrl()
              + " (bearer auth, paginated, incremental by updated_at)");
      Pipeline.Builder builder =
          TicketsPipeline.builder(
              api.baseUrl(),
              dev.ducklift.core.Secret.of(token),
              dir.resolve("work").resolve(TicketsPipeline.NAME),
              destinations.apply(lake));
      if (listener != null) {
        builder.listener(listener);
      }
      AssetResult result;
      try (Pipeline pipeline = builder.build()) {
        result = AssetRunner.run(pipeline);
      }
      Optional<Long> after = readLake ? latestSnapshot(lake) : Optional.empty();
      if (result.succeeded() && result.rowsInserted() == 0) {
        out.printf(
            Locale.ROOT,
            "         pipeline '%s' found no ticket changed since its watermark (%d request%s)%n",
            result.pipeline(),
            api.requests(),
            api.requests() == 1 ? "" : "s");
      } else if (result.succeeded()) {
        out.printf(
            Locale.ROOT,
            "         pipeline '%s' merged %s (%d HTTP requests) in %.1f s%s%n",
            result.pipeline(),
            result.tables().stream()
                .map(
                    t ->
                        String.format(Locale.ROOT, "%,d rows into %s", t.rowsInserted(), t.table()))
                .distinct()
                .reduce((a, b) -> a + ", " + b)
                .orElse("nothing"),
            api.requests(),
            result.duration().toMillis() / 1000.0,
            result.latestSnapshotId().map(id -> " -> snapshot " + id).orElse(""));
      } else {
        describe(out, result);
      }
      return new Round(0, result, after);
    }
  }

  private static void describe(PrintStream out, AssetResult result) {
    if (!result.succeeded()) {
      out.println(
          "         the pipeline failed (" + result.outcome().jsonName() + "): " + result.error());
      return;
    }
    long skipped =
        result.tables().stream()
            .mapToLong(dev.ducklift.core.TableRunResult::skippedDuplicates)
            .sum();
    long extracted =
        result.tables().stream()
            .filter(t -> t.table().equals(EventsPipeline.NAME))
            .mapToLong(dev.ducklift.core.TableRunResult::rowsExtracted)
            .sum();
    out.printf(
        Locale.ROOT,
        "         pipeline '%s' read %,d rows past its watermark, inserted %,d into the lake"
            + "%s in %.1f s%s%n",
        result.pipeline(),
        extracted,
        result.rowsInserted(),
        skipped > 0 ? String.format(Locale.ROOT, " (%,d already there, skipped)", skipped) : "",
        result.duration().toMillis() / 1000.0,
        result.latestSnapshotId().map(id -> " -> snapshot " + id).orElse(" (no new snapshot)"));
  }

  private Report reportLake(
      PrintStream out,
      DemoLake lake,
      Optional<Long> startSnapshot,
      List<Round> rounds,
      Optional<Round> rest) {
    try (DuckLake duckLake =
            DuckLake.openReadOnly(
                CatalogLocation.duckdb(lake.catalogFile()), lake.dataDirectory());
        LakeReader reader = LakeReader.open(duckLake)) {
      List<Snapshot> created = new ArrayList<>();
      for (Snapshot s : reader.snapshots()) {
        if (startSnapshot.isEmpty() || s.id() > startSnapshot.get()) {
          created.add(s);
        }
      }
      out.println();
      out.println("Snapshots created by this demo run:");
      for (Snapshot s : created) {
        out.println("  snapshot " + s.id() + " at " + s.time() + ": " + s.changesMade());
      }
      QueryResult aggregate;
      long now;
      try (LakeSession latest = reader.latest()) {
        aggregate =
            latest.sql(
                "SELECT event_type, count(*) AS events, min(event_timestamp) AS first_seen,"
                    + " max(event_timestamp) AS last_seen FROM events GROUP BY event_type"
                    + " ORDER BY events DESC, event_type");
        now = ((Number) latest.sql("SELECT count(*) FROM events").scalar()).longValue();
        out.println();
        out.println("Events in the lake by type (latest snapshot " + latest.snapshot().id() + "):");
        for (List<Object> row : aggregate.rows()) {
          out.printf(
              Locale.ROOT,
              "  %-13s %,9d   %s .. %s%n",
              row.get(0),
              ((Number) row.get(1)).longValue(),
              row.get(2),
              row.get(3));
        }
      }
      if (rest.isPresent()) {
        try (LakeSession latest = reader.latest()) {
          QueryResult byStatus =
              latest.sql("SELECT status, count(*) FROM tickets GROUP BY status ORDER BY 2 DESC, 1");
          long comments =
              ((Number) latest.sql("SELECT count(*) FROM tickets__comments").scalar()).longValue();
          StringBuilder line = new StringBuilder();
          long total = 0;
          for (List<Object> row : byStatus.rows()) {
            long n = ((Number) row.get(1)).longValue();
            total += n;
            line.append(line.length() == 0 ? "" : ", ").append(row.get(0)).append(' ').append(n);
          }
          out.println();
          out.printf(
              Locale.ROOT,
              "Tickets in the lake: %,d (%s), with %,d comments in child table"
                  + " tickets__comments%n",
              total,
              line,
              comments);
        }
      }
      Optional<Long> atFirst = Optional.empty();
      Optional<Long> firstSnapshot = rounds.get(0).lakeSnapshotAfter();
      if (rounds.size() > 1 && firstSnapshot.isPresent()) {
        try (LakeSession earlier = reader.at(firstSnapshot.get())) {
          long count = ((Number) earlier.sql("SELECT count(*) FROM events").scalar()).longValue();
          atFirst = Optional.of(count);
          out.println();
          out.printf(
              Locale.ROOT,
              "Time travel: at snapshot %d (after round 1) the lake held %,d events; now it"
                  + " holds %,d.%n",
              firstSnapshot.get(),
              count,
              now);
        }
      }
      out.println();
      out.println("Run the demo again to continue where it left off. Explore the lake with:");
      out.println("  ./ducklift snapshots");
      out.println(
          "  ./ducklift query \"SELECT event_type, count(*) FROM events GROUP BY 1 ORDER BY 2"
              + " DESC\"");
      firstSnapshot.ifPresent(
          id ->
              out.println(
                  "  ./ducklift query --snapshot " + id + " \"SELECT count(*) FROM events\""));
      return new Report(rounds, rest, created, Optional.of(aggregate), atFirst, Optional.of(now));
    }
  }

  private static long existingEvents(LocalPostgres postgres) {
    try (Connection c = postgres.connect();
        var s = c.createStatement()) {
      try (var rs = s.executeQuery("SELECT to_regclass('public.events') IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return 0;
        }
      }
      try (var rs = s.executeQuery("SELECT count(*) FROM public.events")) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new dev.ducklift.core.DuckliftException(
          "Cannot count the events in the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static Optional<Long> latestSnapshot(DemoLake lake) {
    if (!Files.exists(lake.catalogFile())) {
      return Optional.empty();
    }
    try (DuckLake duckLake =
            DuckLake.openReadOnly(
                CatalogLocation.duckdb(lake.catalogFile()), lake.dataDirectory());
        LakeReader reader = LakeReader.open(duckLake)) {
      return Optional.of(reader.latestSnapshot().id());
    }
  }
}
