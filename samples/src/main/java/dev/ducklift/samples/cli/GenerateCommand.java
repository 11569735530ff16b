package dev.ducklift.samples.cli;

import dev.ducklift.samples.events.EventGenerator;
import dev.ducklift.samples.events.EventGeneratorOptions;
import dev.ducklift.samples.events.LocalPostgres;
import dev.ducklift.samples.orchestrate.Outcome;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Inserts realistic application events (logins, API requests, page views, purchases,"
          + " errors, ...) into a PostgreSQL table.",
      "Without --url it starts the embedded PostgreSQL on --data-dir (the demo's database by"
          + " default) and stops it afterwards."
    })
final class GenerateCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Option(
      names = "--url",
      paramLabel = "JDBC_URL",
      description =
          "Target database (jdbc:postgresql:...). Credentials via PGUSER/PGPASSWORD"
              + " or the URL's own parameters.")
  String url;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "ducklift-demo/postgres",
      description = "Embedded PostgreSQL data directory when no --url. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--table", defaultValue = "events", description = "Default: ${DEFAULT-VALUE}.")
  String table;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Rows per batch. Default: ${DEFAULT-VALUE}.")
  int rows;

  @Option(
      names = "--batches",
      paramLabel = "N",
      defaultValue = "1",
      description = "Number of batches. Default: ${DEFAULT-VALUE}.")
  int batches;

  @Option(
      names = "--delay",
      paramLabel = "DURATION",
      defaultValue = "0s",
      description = "Pause between batches, e.g. 500ms, 2s, 1m. Default: ${DEFAULT-VALUE}.")
  String delay;

  @Option(names = "--continuous", description = "Keep writing batches until interrupted.")
  boolean continuous;

  @Option(names = "--seed", paramLabel = "N", description = "Random seed for repeatable events.")
  Long seed;

  @Override
  public Integer call() throws Exception {
    EventGeneratorOptions options =
        new EventGeneratorOptions(table, rows, parseDuration(delay), batches, continuous, seed);
    AtomicBoolean stop = new AtomicBoolean();
    Thread hook = new Thread(() -> stop.set(true));
    Runtime.getRuntime().addShutdownHook(hook);
    LocalPostgres postgres = null;
    try {
      String target = url;
      if (target == null) {
        postgres = LocalPostgres.start(main.resolve(dataDir));
        target = postgres.jdbcUrl();
        main.err.println("Started the embedded PostgreSQL on port " + postgres.port());
      }
      try (Connection c = connect(target)) {
        var result =
            new EventGenerator(options)
                .run(
                    c,
                    stop::get,
                    r ->
                        main.err.printf(
                            Locale.ROOT,
                            "batch %d: %,d events written (%,.0f rows/s)%n",
                            r.batches(),
                            r.rows(),
                            r.rowsPerSecond()));
        main.out.printf(
            Locale.ROOT,
            "{\"table\":\"%s\",\"rows\":%d,\"batches\":%d,\"duration_ms\":%d}%n",
            table,
            result.rows(),
            result.batches(),
            result.elapsed().toMillis());
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting: nothing to undo
      }
    }
    return 0;
  }

  private Connection connect(String jdbcUrl) {
    try {
      String user = main.environment.get("PGUSER");
      String password = main.environment.get("PGPASSWORD");
      return user == null
          ? DriverManager.getConnection(jdbcUrl)
          : DriverManager.getConnection(jdbcUrl, user, password);
    } catch (SQLException e) {
      throw new CliException(
          Outcome.SOURCE_FAILURE, "Cannot connect to the target database: " + e.getMessage(), e);
    }
  }

  /** Parses {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or an ISO-8601 duration. */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException(t);
      };
    } catch (RuntimeException e) {
      throw new CliException(
          Outcome.USAGE_ERROR,
          "Cannot read duration '" + text + "': use e.g. 500ms, 10s, 5m, 1h or PT30S");
    }
  }
}
