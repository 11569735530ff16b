package dev.ducklift.core;

/**
 * A named stream of records that lands in one root table (plus child tables for nested arrays).
 *
 * <p>Implementations are supplied by sources (REST, JDBC, or user code). {@link #extract} is called
 * once per run on a pipeline thread; it pushes pages to the consumer in order and returns when the
 * source is exhausted. It must not buffer the whole source in memory.
 */
public interface Resource {

  /** The resource's declaration: name, table, keys, disposition, cursor and column hints. */
  ResourceSpec spec();

  /**
   * Streams this run's pages into {@code pages}.
   *
   * <p>An incremental resource reads {@link ExtractContext#lastValue} (or the per-parent values) to
   * ask the source only for newer data. The runtime tracks the new maximum of the cursor as pages
   * stream by; a resource need not report it. Checkpoints happen inside {@link
   * PageConsumer#accept}, so a resource that returns normally or throws has every accepted page
   * either staged or discarded together with its cursor position.
   *
   * @throws DuckliftException (or any runtime exception) to fail the resource; pages accepted and
   *     checkpointed before stay intact
   */
  void extract(ExtractContext context, PageConsumer pages) throws Exception;

  /** Receives pages from a resource. */
  @FunctionalInterface
  interface PageConsumer {
    /**
     * Hands one page to the runtime. Returns {@code false} when the runtime wants no more pages
     * (for example the end value of a bounded window was passed); the resource should then stop.
     */
    boolean accept(Page page);
  }
}
