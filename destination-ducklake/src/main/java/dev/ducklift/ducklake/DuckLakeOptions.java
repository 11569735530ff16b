package dev.ducklift.ducklake;

import java.sql.Connection;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a {@link DuckLake} commits and writes. Immutable; derive variants with {@link #toBuilder()}.
 *
 * @param maxCommitAttempts attempts of one commit before a retryable conflict is given up (the
 *     official extension's {@code ducklake_max_retry_count}, default 10)
 * @param retryBaseWait the base wait between attempts ({@code ducklake_retry_wait_ms}, 100 ms)
 * @param retryBackoff the growth factor of the wait ({@code ducklake_retry_backoff}, 1.5); attempt
 *     {@code n} waits {@code base × random[0.5, 1) × backoff^n}
 * @param targetFileSizeBytes the size at which a large write rolls over to a new Parquet file
 * @param connectionDecorator applied to every catalog connection (observation, fault injection)
 * @param queueCommits whether Ducklift writers queue for a commit lock (a PostgreSQL advisory lock,
 *     or an in-process lock for a DuckDB file) instead of colliding on the snapshot id and sleeping
 *     before a retry; the snapshot primary key guards correctness either way
 * @param busyTimeout how long opening a DuckDB catalog file that another process holds is retried
 *     (with backoff) before failing with {@link
 *     dev.ducklift.ducklake.catalog.CatalogBusyException}; default 30 s
 */
public record DuckLakeOptions(
    int maxCommitAttempts,
    Duration retryBaseWait,
    double retryBackoff,
    long targetFileSizeBytes,
    UnaryOperator<Connection> connectionDecorator,
    boolean queueCommits,
    Duration busyTimeout) {

  /** The defaults of the official extension. */
  public static final DuckLakeOptions DEFAULTS =
      new DuckLakeOptions(
          10,
          Duration.ofMillis(100),
          1.5,
          512L * 1024 * 1024,
          UnaryOperator.identity(),
          true,
          Duration.ofSeconds(30));

  public DuckLakeOptions {
    if (maxCommitAttempts < 1) {
      throw new IllegalArgumentException("maxCommitAttempts must be at least 1");
    }
    Objects.requireNonNull(retryBaseWait, "retryBaseWait");
    if (retryBackoff < 1.0) {
      throw new IllegalArgumentException("retryBackoff must be at least 1");
    }
    if (targetFileSizeBytes < 1024) {
      throw new IllegalArgumentException("targetFileSizeBytes must be at least 1024");
    }
    Objects.requireNonNull(connectionDecorator, "connectionDecorator");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    if (busyTimeout.isNegative()) {
      throw new IllegalArgumentException("busyTimeout must not be negative");
    }
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** Builds {@link DuckLakeOptions}. */
  public static final class Builder {
    private int maxCommitAttempts;
    private Duration retryBaseWait;
    private double retryBackoff;
    private long targetFileSizeBytes;
    private UnaryOperator<Connection> connectionDecorator;
    private boolean queueCommits;
    private Duration busyTimeout;

    private Builder(DuckLakeOptions o) {
      maxCommitAttempts = o.maxCommitAttempts;
      retryBaseWait = o.retryBaseWait;
      retryBackoff = o.retryBackoff;
      targetFileSizeBytes = o.targetFileSizeBytes;
      connectionDecorator = o.connectionDecorator;
      queueCommits = o.queueCommits;
      busyTimeout = o.busyTimeout;
    }

    /** How long to wait for a DuckDB catalog file held by another process (default 30 s). */
    public Builder busyTimeout(Duration value) {
      busyTimeout = value;
      return this;
    }

    public Builder queueCommits(boolean value) {
      queueCommits = value;
      return this;
    }

    public Builder maxCommitAttempts(int value) {
      maxCommitAttempts = value;
      return this;
    }

    public Builder retryBaseWait(Duration value) {
      retryBaseWait = value;
      return this;
    }

    public Builder retryBackoff(double value) {
      retryBackoff = value;
      return this;
    }

    public Builder targetFileSizeBytes(long value) {
      targetFileSizeBytes = value;
      return this;
    }

    public Builder connectionDecorator(UnaryOperator<Connection> value) {
      connectionDecorator = value;
      return this;
    }

    public DuckLakeOptions build() {
      return new DuckLakeOptions(
          maxCommitAttempts,
          retryBaseWait,
          retryBackoff,
          targetFileSizeBytes,
          connectionDecorator,
          queueCommits,
          busyTimeout);
    }
  }
}
