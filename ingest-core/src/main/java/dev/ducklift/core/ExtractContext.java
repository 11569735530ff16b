package dev.ducklift.core;

import java.util.Map;
import java.util.Optional;

/**
 * What a resource may know about the run while it extracts. Implemented by the runtime;
 * thread-safe.
 */
public interface ExtractContext {

  /** The pipeline's name. */
  String pipelineName();

  /** The resource's spec (the same as {@link Resource#spec()}). */
  ResourceSpec spec();

  /**
   * The last committed watermark under {@code stateKey} ({@code ""} for the resource's single
   * watermark), without lag; empty on a first run.
   */
  Optional<CursorValue> lastValue(String stateKey);

  default Optional<CursorValue> lastValue() {
    return lastValue("");
  }

  /**
   * Where this run should start reading for {@code stateKey}: the last watermark minus the lag, or
   * the initial value when there is no watermark yet. Rows equal to the start are re-read and
   * deduplicated downstream by primary key. Empty when there is neither.
   */
  Optional<CursorValue> startValue(String stateKey);

  default Optional<CursorValue> startValue() {
    return startValue("");
  }

  /** The exclusive end of a bounded backfill window, when the resource has one. */
  Optional<CursorValue> endValue();

  /** Every committed watermark of this resource, by state key. */
  Map<String, CursorValue> lastValues();

  /** Whether the run was cancelled; a long extract should check it between pages. */
  boolean cancelled();
}
