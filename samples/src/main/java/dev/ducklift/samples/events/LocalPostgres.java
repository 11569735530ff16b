package dev.ducklift.samples.events;

import dev.ducklift.core.DuckliftException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL server started from the {@code io.zonky.test} embedded binaries, listening on
 * loopback only, on a free port chosen at start.
 *
 * <p>With a data directory the database survives restarts: a second start on the same directory
 * continues with the same tables. Without one, a throw-away directory is used and removed on close.
 */
public final class LocalPostgres implements AutoCloseable {

  private final EmbeddedPostgres server;

  private LocalPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  /**
   * Starts a server whose data lives in {@code dataDirectory} (created and initialised on first
   * use). A server left running on that directory by a killed process is stopped first.
   */
  public static LocalPostgres start(Path dataDirectory) {
    try {
      Path dir = dataDirectory.toAbsolutePath();
      Files.createDirectories(dir);
      stopOrphanedServer(dir);
      return new LocalPostgres(
          builder().setDataDirectory(dir).setCleanDataDirectory(false).start());
    } catch (IOException | RuntimeException e) {
      throw new DuckliftException(
          "Cannot start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(), e);
    }
  }

  /** Starts a server on a throw-away data directory. */
  public static LocalPostgres startTemporary() {
    try {
      return new LocalPostgres(builder().start());
    } catch (IOException e) {
      throw new DuckliftException("Cannot start the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static EmbeddedPostgres.Builder builder() {
    return EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "localhost")
        .setPGStartupWait(Duration.ofSeconds(30))
        .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
        .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
  }

  /**
   * A {@code postmaster.pid} whose process still runs means a previous owner was killed without
   * stopping its server; stop that server so this start does not fail on the busy directory.
   */
  private static void stopOrphanedServer(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    boolean isPostgres =
        process
            .flatMap(p -> p.info().command())
            .map(command -> command.endsWith("postgres") || command.endsWith("postmaster"))
            .orElse(false);
    if (process.isPresent() && isPostgres) {
      process.get().destroy();
      try {
        process
            .get()
            .onExit()
            .get(
                java.util.concurrent.TimeUnit.SECONDS.toMillis(15),
                java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new DuckliftException(
            "An earlier PostgreSQL server (pid " + pid + ") still runs on " + dataDirectory, e);
      }
    }
  }

  /** The JDBC URL of the {@code postgres} database as the {@code postgres} superuser. */
  public String jdbcUrl() {
    return jdbcUrl("postgres");
  }

  /** The JDBC URL of {@code database} as the {@code postgres} superuser. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database + "?user=postgres";
  }

  public int port() {
    return server.getPort();
  }

  /** Opens a connection to the {@code postgres} database. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  /** Creates {@code database} (letters, digits and underscores) unless it exists. */
  public void createDatabase(String database) {
    if (!database.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("Not a plain database name: " + database);
    }
    try (Connection c = connect();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
      if (!rs.next()) {
        s.execute("CREATE DATABASE \"" + database + "\"");
      }
    } catch (SQLException e) {
      throw new DuckliftException("Cannot create database " + database + ": " + e.getMessage(), e);
    }
  }

  /** Stops the server (and removes a throw-away data directory). */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new DuckliftException("Cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }
}
