package dev.ducklift.samples.events;

import dev.ducklift.core.DuckliftException;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Inserts realistic application events into a PostgreSQL table with {@code COPY}: weighted event
 * types ({@link EventType}) with per-type JSON details.
 *
 * <p>The table is
 *
 * <pre>
 *   event_id uuid primary key, event_type text, event_timestamp timestamptz,
 *   details jsonb, created_at timestamptz
 * </pre>
 *
 * <p>{@code event_timestamp} is when the event happened on the client (up to a few seconds before
 * it was recorded); {@code created_at} is when the batch was written and never goes backwards
 * within one generator, which makes it a good incremental cursor. Not thread-safe.
 */
public final class EventGenerator {

  private final EventGeneratorOptions options;
  private final Random random;
  private final Clock clock;
  private Instant lastCreatedAt = Instant.EPOCH;

  public EventGenerator(EventGeneratorOptions options) {
    this(options, Clock.systemUTC());
  }

  /** A generator whose timestamps come from {@code clock} (tests use a fixed clock). */
  public EventGenerator(EventGeneratorOptions options, Clock clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = options.seed() == null ? new Random() : new Random(options.seed());
  }

  /** Creates the events table and its index on {@code created_at} when they do not exist. */
  public void createTable(Connection connection) {
    String table = options.table();
    try (Statement s = connection.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (event_id uuid PRIMARY KEY, event_type text NOT NULL,"
              + " event_timestamp timestamptz NOT NULL, details jsonb NOT NULL,"
              + " created_at timestamptz NOT NULL DEFAULT now())");
      s.execute(
          "CREATE INDEX IF NOT EXISTS " + indexName(table) + " ON " + table + " (created_at)");
    } catch (SQLException e) {
      throw new DuckliftException("Cannot create the events table " + table + ": " + e, e);
    }
  }

  /**
   * Writes the configured number of batches (or until {@code stop} says so in continuous mode),
   * sleeping the configured delay between batches. Creates the table first.
   *
   * @param onBatch called after each committed batch with the running totals
   * @return how many events were written and how long it took
   */
  public GenerationResult run(
      Connection connection, BooleanSupplier stop, Consumer<GenerationResult> onBatch) {
    createTable(connection);
    long started = System.nanoTime();
    long rows = 0;
    int batches = 0;
    while (!stop.getAsBoolean() && (options.continuous() || batches < options.batches())) {
      if (batches > 0 && !options.delay().isZero()) {
        try {
          Thread.sleep(options.delay().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      rows += insertBatch(connection, options.rowsPerBatch());
      batches++;
      onBatch.accept(
          new GenerationResult(rows, batches, Duration.ofNanos(System.nanoTime() - started)));
    }
    return new GenerationResult(rows, batches, Duration.ofNanos(System.nanoTime() - started));
  }

  /** Writes the configured number of batches without progress callbacks. */
  public GenerationResult run(Connection connection) {
    return run(connection, () -> false, r -> {});
  }

  /**
   * Writes one batch of {@code rows} events in one {@code COPY}, committed before returning (when
   * the connection is in auto-commit mode, as a fresh connection is).
   *
   * @return the number of rows written
   */
  public long insertBatch(Connection connection, int rows) {
    Instant createdAt = clock.instant();
    // created_at must not go backwards within a generator even if the wall clock does.
    if (!createdAt.isAfter(lastCreatedAt)) {
      createdAt = lastCreatedAt.plusNanos(1_000);
    }
    lastCreatedAt = createdAt;
    StringBuilder csv = new StringBuilder(rows * 256);
    OffsetDateTime created = createdAt.atOffset(ZoneOffset.UTC);
    for (int i = 0; i < rows; i++) {
      EventType type = EventType.pick(random);
      OffsetDateTime happened = created.minusNanos((long) random.nextInt(5_000_000) * 1_000L);
      csv.append(uuid(random))
          .append(',')
          .append(type.wireName())
          .append(',')
          .append(happened)
          .append(',');
      appendQuoted(csv, type.details(random).toString());
      csv.append(',').append(created).append('\n');
    }
    try {
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      return copy.copyIn(
          "COPY "
              + options.table()
              + " (event_id, event_type, event_timestamp, details, created_at)"
              + " FROM STDIN WITH (FORMAT csv)",
          new StringReader(csv.toString()));
    } catch (SQLException | IOException e) {
      throw new DuckliftException(
          "Cannot insert a batch of " + rows + " events into " + options.table() + ": " + e, e);
    }
  }

  private static void appendQuoted(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        out.append('"');
      }
      out.append(c);
    }
    out.append('"');
  }

  /** A version-4 UUID drawn from {@code random}, so a seeded generator repeats its ids. */
  private static UUID uuid(Random random) {
    long most = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long least = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(most, least);
  }

  private static String indexName(String table) {
    String bare = table.substring(table.lastIndexOf('.') + 1).replace("\"", "");
    return bare + "_created_at_idx";
  }

  /**
   * What a generator run wrote.
   *
   * @param rows events written
   * @param batches batches committed
   * @param elapsed wall time
   */
  public record GenerationResult(long rows, int batches, Duration elapsed) {
    /** Rows per second over the run. */
    public double rowsPerSecond() {
      double seconds = elapsed.toNanos() / 1e9;
      return seconds <= 0 ? 0 : rows / seconds;
    }
  }
}
