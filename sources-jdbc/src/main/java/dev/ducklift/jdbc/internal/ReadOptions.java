package dev.ducklift.jdbc.internal;

import dev.ducklift.jdbc.ReadMethod;
import java.time.Duration;

/**
 * How a source reads: rows per fetch, rows per page, plain or {@code COPY}, how many connections a
 * split table may use at once, and how often a read that lost its connection is resumed.
 */
public record ReadOptions(
    int fetchSize,
    int pageSize,
    ReadMethod method,
    int parallelism,
    int maxRetries,
    Duration retryBackoff) {}
