package dev.ducklift.samples.events;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the {@link EventGenerator} writes.
 *
 * @param table the target table, optionally schema-qualified ({@code public.events})
 * @param rowsPerBatch events per {@code COPY} batch (at least 1)
 * @param delay pause between batches
 * @param batches how many batches to write; ignored in continuous mode
 * @param continuous write until stopped
 * @param seed the random seed for repeatable event ids, types and details, or {@code null}
 */
public record EventGeneratorOptions(
    String table, int rowsPerBatch, Duration delay, int batches, boolean continuous, Long seed) {

  private static final Pattern TABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  public EventGeneratorOptions {
    Objects.requireNonNull(table, "table");
    if (!TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "Events table must be a plain identifier, optionally schema-qualified: " + table);
    }
    if (rowsPerBatch < 1) {
      throw new IllegalArgumentException("Rows per batch must be at least 1: " + rowsPerBatch);
    }
    delay = delay == null ? Duration.ZERO : delay;
    if (delay.isNegative()) {
      throw new IllegalArgumentException("Delay between batches must not be negative: " + delay);
    }
    if (!continuous && batches < 0) {
      throw new IllegalArgumentException("Batches must not be negative: " + batches);
    }
  }

  /** {@code batches} batches of {@code rowsPerBatch} rows into {@code events}, no delay. */
  public static EventGeneratorOptions of(int rowsPerBatch, int batches) {
    return new EventGeneratorOptions("events", rowsPerBatch, Duration.ZERO, batches, false, null);
  }

  public EventGeneratorOptions withTable(String value) {
    return new EventGeneratorOptions(value, rowsPerBatch, delay, batches, continuous, seed);
  }

  public EventGeneratorOptions withDelay(Duration value) {
    return new EventGeneratorOptions(table, rowsPerBatch, value, batches, continuous, seed);
  }

  public EventGeneratorOptions withSeed(Long value) {
    return new EventGeneratorOptions(table, rowsPerBatch, delay, batches, continuous, value);
  }

  public EventGeneratorOptions withContinuous(boolean value) {
    return new EventGeneratorOptions(table, rowsPerBatch, delay, batches, value, seed);
  }
}
