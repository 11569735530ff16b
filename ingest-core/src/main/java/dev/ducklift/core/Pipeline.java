package dev.ducklift.core;

import dev.ducklift.core.internal.PipelineRunner;
import dev.ducklift.core.internal.StateStore;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A pipeline: resources that flow through normalization and a staging DuckDB file into a
 * destination, with persisted state.
 *
 * <pre>{@code
 * try (Pipeline pipeline =
 *     Pipeline.builder("events")
 *         .workingDirectory(Path.of("work"))
 *         .destination(destination)
 *         .source(source)
 *         .build()) {
 *   RunResult result = pipeline.run();
 * }
 * }</pre>
 *
 * <p>The working directory holds {@code staging.duckdb} (staged loads) and {@code state.db} (the
 * MapDB state store: watermarks, load journal, schema versions). One pipeline must not run twice at
 * the same time on one working directory; both files are locked during a run.
 *
 * <p>{@link #run()} is not re-entrant; {@link #cancel()} may be called from any thread.
 */
public final class Pipeline implements AutoCloseable {

  /**
   * Default number of rows (all tables of a load) between two staging checkpoints: one DuckDB row
   * group. DuckDB writes a transaction's appends of at least a row group straight into the database
   * file, while a smaller commit goes through its write-ahead log and is written a second time when
   * the log is checkpointed, which made checkpoints of 50,000 rows cost about a fifth of the
   * appending thread's CPU.
   */
  public static final long DEFAULT_CHECKPOINT_ROWS = 122_880;

  /** Default number of resources extracted at once (see {@link Builder#parallelism(int)}). */
  public static final int DEFAULT_PARALLELISM = 4;

  /** The largest accepted {@link Builder#parallelism(int)}. */
  public static final int MAX_PARALLELISM = 256;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private final String name;
  private final Path workingDirectory;
  private final Destination destination;
  private final List<Source> sources;
  private final List<Resource> resources;
  private final PipelineListener listener;
  private final long checkpointRows;
  private final int checkpointPages;
  private final int parallelism;
  private volatile boolean cancelled;

  private Pipeline(Builder b) {
    this.name = b.name;
    this.workingDirectory =
        b.workingDirectory == null ? Path.of(".ducklift", b.name) : b.workingDirectory;
    this.destination =
        Objects.requireNonNull(b.destination, "Pipeline '" + b.name + "' needs a destination");
    this.sources = List.copyOf(b.sources);
    List<Resource> all = new ArrayList<>();
    for (Source s : b.sources) {
      all.addAll(s.resources());
    }
    all.addAll(b.resources);
    Set<String> names = new HashSet<>();
    for (Resource r : all) {
      if (!names.add(r.spec().name())) {
        throw new DuckliftException(
            "Pipeline '" + b.name + "' has two resources named '" + r.spec().name() + "'");
      }
    }
    this.resources = List.copyOf(all);
    this.listener =
        b.listeners.size() == 1 ? b.listeners.get(0) : new Listeners(List.copyOf(b.listeners));
    this.checkpointRows = b.checkpointRows;
    this.checkpointPages = b.checkpointPages;
    this.parallelism = b.parallelism;
  }

  /** Starts a builder for a pipeline named {@code name} (letters, digits, {@code _ . -}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  public Path workingDirectory() {
    return workingDirectory;
  }

  public Destination destination() {
    return destination;
  }

  /** The resources of this pipeline, in run order (sources' resources first). */
  public List<Resource> resources() {
    return resources;
  }

  public long checkpointRows() {
    return checkpointRows;
  }

  public int checkpointPages() {
    return checkpointPages;
  }

  /** How many resources are extracted at once (1: one after another). */
  public int parallelism() {
    return parallelism;
  }

  /**
   * Runs the pipeline once: first finishes loads left staged by an earlier run (promoting them
   * unless the destination already has them), then extracts, normalizes, stages, promotes and
   * finishes each resource. Up to {@link #parallelism()} resources extract (fetch, read, parse) at
   * once, each at most a few pages ahead of the runtime; normalizing, staging and promoting stay
   * one load at a time, in resource order.
   *
   * <p>A failing resource does not stop the others: the run goes on with the remaining resources
   * and then throws a {@link RunFailedException} naming every failed resource and holding the
   * result of the loads that completed. Loads finished before or beside a failure stay committed,
   * and the next run resumes the failed resources. Cancelling stops every extraction and fails the
   * run at once.
   *
   * @return what the run did
   * @throws RunFailedException when one or more resources failed (its message is that of the single
   *     failure, or names every failed resource)
   * @throws DuckliftException when the run was cancelled or a load left by an earlier run could not
   *     be finished
   */
  public RunResult run() {
    cancelled = false;
    return new PipelineRunner(
            name,
            workingDirectory,
            destination,
            resources,
            listener,
            checkpointRows,
            checkpointPages,
            parallelism,
            () -> cancelled)
        .run();
  }

  /**
   * The pipeline state committed locally (watermarks of finished loads), without running. Empty on
   * a fresh working directory.
   */
  public PipelineState state() {
    try (StateStore store = StateStore.open(workingDirectory, name)) {
      return store.pipelineState();
    }
  }

  /**
   * Drops staged loads that were never promoted: every one, or only the load {@code loadId}. This
   * is the way out when a staged load cannot be promoted ({@link LoadNotPromotableException}),
   * which would otherwise fail every run. Nothing is lost: a load that was not promoted committed
   * nothing, so the next run reads its rows again from the last committed watermark (a load the
   * destination did commit has its watermark restored from there). Call it while no run of this
   * pipeline is going on.
   *
   * @param loadId the load to drop, or {@code null} for all pending loads
   * @return the ids of the dropped loads, in staging order
   * @throws DuckliftException when {@code loadId} is given but no such load is staged
   */
  public List<String> discardPendingLoads(String loadId) {
    return PipelineRunner.discardPending(workingDirectory, name, loadId);
  }

  /** Asks a running {@link #run()} to stop after the current page; the run then fails. */
  public void cancel() {
    cancelled = true;
  }

  /** Closes the sources given to the builder and the destination. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (Source s : sources) {
      try {
        s.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    try {
      destination.close();
    } catch (RuntimeException e) {
      first = first == null ? e : first;
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return "Pipeline[" + name + "]";
  }

  /** Builds a {@link Pipeline}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private Path workingDirectory;
    private Destination destination;
    private final List<Source> sources = new ArrayList<>();
    private final List<Resource> resources = new ArrayList<>();
    private final List<PipelineListener> listeners = new ArrayList<>();
    private long checkpointRows = DEFAULT_CHECKPOINT_ROWS;
    private int checkpointPages = 0;
    private int parallelism = DEFAULT_PARALLELISM;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new DuckliftException(
            "Pipeline name '" + name + "' must be letters, digits, '_', '.' or '-'");
      }
      this.name = name;
    }

    /** The directory for staging and state files; default {@code .ducklift/<name>}. */
    public Builder workingDirectory(Path directory) {
      this.workingDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Where loads are promoted (required). {@link Pipeline#close()} closes it. */
    public Builder destination(Destination destination) {
      this.destination = Objects.requireNonNull(destination, "destination");
      return this;
    }

    /** Adds every resource of {@code source}. {@link Pipeline#close()} closes it. */
    public Builder source(Source source) {
      this.sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /** Adds one resource. */
    public Builder resource(Resource resource) {
      this.resources.add(Objects.requireNonNull(resource, "resource"));
      return this;
    }

    /** Adds resources. */
    public Builder resources(Iterable<? extends Resource> resources) {
      resources.forEach(this::resource);
      return this;
    }

    /** Adds a listener; several listeners receive events in the order they were added. */
    public Builder listener(PipelineListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Commits staged rows (with the cursor positions they cover) every {@code rows} normalized
     * rows, counting all tables of a load; a crash loses at most this much extracted work. Where
     * staging commits in the background while normalizing goes on (record resources), commits come
     * every half interval, so that the commit in flight and the rows after it stay within one.
     */
    public Builder checkpointEvery(long rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("Checkpoint interval must be >= 1 row: " + rows);
      }
      this.checkpointRows = rows;
      return this;
    }

    /**
     * Also checkpoints every {@code pages} pages ({@code 0}, the default, disables this); halved
     * like the row interval where staging commits in the background.
     */
    public Builder checkpointEveryPages(int pages) {
      if (pages < 0) {
        throw new IllegalArgumentException("Checkpoint interval must be >= 0 pages: " + pages);
      }
      this.checkpointPages = pages;
      return this;
    }

    /**
     * Extracts up to {@code resources} resources at once (default {@value
     * Pipeline#DEFAULT_PARALLELISM}). While the runtime normalizes, stages and promotes one
     * resource, the next ones already fetch their pages, each at most 5,000 records (32 pages, or
     * one larger page) ahead, then it waits, so memory stays bounded. {@code 1} extracts one
     * resource after another; with more, resources of one source may extract on different threads
     * at the same time, so state a source shares between them must be thread-safe.
     */
    public Builder parallelism(int resources) {
      if (resources < 1 || resources > MAX_PARALLELISM) {
        throw new IllegalArgumentException(
            "Parallelism must be between 1 and " + MAX_PARALLELISM + ": " + resources);
      }
      this.parallelism = resources;
      return this;
    }

    public Pipeline build() {
      return new Pipeline(this);
    }
  }

  private record Listeners(List<PipelineListener> all) implements PipelineListener {
    @Override
    public void runStarted(String pipelineName) {
      all.forEach(l -> l.runStarted(pipelineName));
    }

    @Override
    public void pendingLoadResumed(String resourceName, String loadId) {
      all.forEach(l -> l.pendingLoadResumed(resourceName, loadId));
    }

    @Override
    public void resourceStarted(String resourceName, String loadId) {
      all.forEach(l -> l.resourceStarted(resourceName, loadId));
    }

    @Override
    public void pageExtracted(String resourceName, Page page, int records, int accepted) {
      all.forEach(l -> l.pageExtracted(resourceName, page, records, accepted));
    }

    @Override
    public void checkpointCommitted(
        String resourceName, String loadId, long rowsInCheckpoint, long rowsStagedInLoad) {
      all.forEach(
          l -> l.checkpointCommitted(resourceName, loadId, rowsInCheckpoint, rowsStagedInLoad));
    }

    @Override
    public void loadPromoted(
        String resourceName, String loadId, dev.ducklift.core.spi.PromoteResult result) {
      all.forEach(l -> l.loadPromoted(resourceName, loadId, result));
    }

    @Override
    public void loadFinished(String resourceName, String loadId) {
      all.forEach(l -> l.loadFinished(resourceName, loadId));
    }

    @Override
    public void resourceFailed(String resourceName, String loadId, RuntimeException error) {
      all.forEach(l -> l.resourceFailed(resourceName, loadId, error));
    }

    @Override
    public void runFinished(RunResult result) {
      all.forEach(l -> l.runFinished(result));
    }
  }
}
