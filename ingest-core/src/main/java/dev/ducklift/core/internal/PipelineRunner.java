package dev.ducklift.core.internal;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.ExtractContext;
import dev.ducklift.core.LocalStateException;
import dev.ducklift.core.Page;
import dev.ducklift.core.PipelineListener;
import dev.ducklift.core.Resource;
import dev.ducklift.core.ResourceSpec;
import dev.ducklift.core.RunFailedException;
import dev.ducklift.core.RunResult;
import dev.ducklift.core.TableRunResult;
import dev.ducklift.core.WriteDisposition;
import dev.ducklift.core.schema.TableSchema;
import dev.ducklift.core.spi.CrashPoints;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.core.spi.StagedTable;
import dev.ducklift.core.spi.TypedResource;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Runs a pipeline once: finishes pending staged loads, then extracts, normalizes, stages, promotes
 * and finishes each resource in order. Up to {@code parallelism} resources extract at once ahead of
 * the one being normalized (see {@link ExtractionPool}); everything after extraction stays one load
 * at a time. A failing resource is recorded and the run goes on with the others, then fails with
 * all failures ({@link RunFailedException}); a cancelled run stops at once.
 *
 * <p>Ordering that makes every crash point safe: staged rows and the watermarks covering them
 * commit together in staging; the destination commits rows, state and the load id together; the
 * local store records the watermark only after that; the staged rows are dropped last. A load still
 * in staging on the next run is promoted, unless the destination reports it committed, in which
 * case only the local bookkeeping is redone.
 */
public final class PipelineRunner {

  private static final DateTimeFormatter LOAD_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(PipelineRunner.class);

  private final String name;
  private final Path workingDirectory;
  private final Destination destination;
  private final List<Resource> resources;
  private final PipelineListener listener;
  private final long checkpointRows;
  private final int checkpointPages;
  private final int parallelism;
  private final BooleanSupplier cancelled;

  public PipelineRunner(
      String name,
      Path workingDirectory,
      Destination destination,
      List<Resource> resources,
      PipelineListener listener,
      long checkpointRows,
      int checkpointPages,
      int parallelism,
      BooleanSupplier cancelled) {
    this.name = name;
    this.workingDirectory = workingDirectory;
    this.destination = destination;
    this.resources = resources;
    this.listener = listener;
    this.checkpointRows = checkpointRows;
    this.checkpointPages = checkpointPages;
    this.parallelism = parallelism;
    this.cancelled = cancelled;
  }

  public RunResult run() {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    listener.runStarted(name);
    List<TableRunResult> tables = new ArrayList<>();
    List<String> resumed = new ArrayList<>();
    List<String> loadIds = new ArrayList<>();
    Map<String, RuntimeException> failures = new LinkedHashMap<>();
    CleanStagingMarker marker = new CleanStagingMarker(workingDirectory);
    StateSnapshot snapshot = new StateSnapshot(workingDirectory, name);
    int next = 0;
    boolean probed = false;
    if (marker.clean()) {
      Optional<PipelineState> copy = snapshot.read();
      if (copy.isPresent() && resources.stream().allMatch(r -> probes(copy.get(), r))) {
        probed = true;
        next = probeAll(copy.get(), tables);
      }
    }
    if (next < resources.size()) {
      PipelineState after;
      try (StateStore state = StateStore.open(workingDirectory, name)) {
        if (!probed
            && marker.clean()
            && resources.stream().allMatch(r -> probes(state.pipelineState(), r))) {
          next = probeAll(state.pipelineState(), tables);
        }
        if (next < resources.size()) {
          try (Staging staging = openStaging(state, marker)) {
            restore(state);
            for (LoadManifest pending : staging.pendingLoads()) {
              if (finishPending(state, staging, pending, tables)) {
                resumed.add(pending.loadId());
              }
            }
            runFrom(next, state, staging, marker, tables, loadIds, failures);
            List<LoadManifest> left = staging.pendingLoads();
            state.settle(left.stream().map(LoadManifest::loadId).toList());
            if (left.isEmpty()) {
              marker.markClean();
            }
          }
        }
        after = state.pipelineState();
      }
      snapshot.write(after);
    }
    RunResult result =
        new RunResult(
            name, startedAt, Duration.ofNanos(System.nanoTime() - start), resumed, loadIds, tables);
    listener.runFinished(result);
    if (!failures.isEmpty()) {
      throw new RunFailedException(result, failures);
    }
    return result;
  }

  /**
   * Runs the resources from index {@code first} on, each to its end, extracting up to {@code
   * parallelism} of them ahead; records a failing resource in {@code failures} and goes on.
   */
  private void runFrom(
      int first,
      StateStore state,
      Staging staging,
      CleanStagingMarker marker,
      List<TableRunResult> tables,
      List<String> loadIds,
      Map<String, RuntimeException> failures) {
    List<Resource> rest = resources.subList(first, resources.size());
    // Trackers read the committed watermarks, which only a resource's own load changes: taking
    // them when a resource starts extracting ahead of its turn gives the same values.
    Extraction[] extractions = new Extraction[rest.size()];
    IntFunction<Extraction> extraction =
        i -> {
          if (extractions[i] == null) {
            ResourceSpec spec = rest.get(i).spec();
            extractions[i] =
                new Extraction(
                    spec,
                    newLoadId(),
                    new CursorTracker(
                        spec, state.pipelineState().resource(spec.name()).watermarks()));
          }
          return extractions[i];
        };
    // A typed resource stages on the runner's thread when its turn comes: never ahead.
    try (ExtractionPool pool =
        new ExtractionPool(
            name,
            rest,
            parallelism,
            extraction::apply,
            i -> !(rest.get(i) instanceof TypedResource),
            cancelled)) {
      for (int i = 0; i < rest.size(); i++) {
        try {
          String loadId =
              runResource(
                  state, staging, marker, rest.get(i), extraction.apply(i), pool, i, tables);
          if (loadId != null) {
            loadIds.add(loadId);
          }
        } catch (RuntimeException e) {
          if (cancelled.getAsBoolean()) {
            throw e;
          }
          failures.put(rest.get(i).spec().name(), e);
        } finally {
          pool.release(i);
        }
      }
    }
  }

  // ---- no-change probe ----------------------------------------------------------------------

  /**
   * Whether a run may first look for new rows of {@code resource} with the local watermarks alone,
   * without opening staging or asking the destination: only for typed resources (whose reads are
   * repeatable queries), incremental, not {@code replace} (an empty replace still ends rows), and
   * with local watermarks (a fresh store restores from the destination first).
   */
  private boolean probes(PipelineState state, Resource resource) {
    ResourceSpec spec = resource.spec();
    return resource instanceof TypedResource
        && spec.incremental() != null
        && spec.writeDisposition() != WriteDisposition.REPLACE
        && !state.resource(spec.name()).watermarks().isEmpty();
  }

  /** Probes the resources in order; returns the index of the first with rows (or their count). */
  private int probeAll(PipelineState state, List<TableRunResult> tables) {
    int next = 0;
    for (; next < resources.size(); next++) {
      TableRunResult unchanged = probe(state, resources.get(next));
      if (unchanged == null) {
        break;
      }
      tables.add(unchanged);
    }
    return next;
  }

  /**
   * Extracts {@code resource} from the local watermarks, stopping at its first row. Returns the
   * "nothing to load" result when there was none, {@code null} when there are rows: the caller then
   * opens staging, restores state from the destination (which may hold newer watermarks, written by
   * another worker) and extracts again.
   */
  private TableRunResult probe(PipelineState state, Resource resource) {
    ResourceSpec spec = resource.spec();
    long t0 = System.nanoTime();
    String loadId = newLoadId();
    CursorTracker tracker = new CursorTracker(spec, state.resource(spec.name()).watermarks());
    Extraction run = new Extraction(spec, loadId, tracker);
    // Only names, keys and the cursor matter to a probe: the declared columns define them.
    run.normalizer = new Normalizer(spec, loadId, List.of(), (t, r, c) -> {});
    TypedResource typed = (TypedResource) resource;
    if (!typed.stagesTyped(run)) {
      return null;
    }
    TypedLoad probe =
        TypedLoad.plan(
            spec,
            loadId,
            typed.columns(),
            run.normalizer,
            tracker,
            null,
            (description, stateKey, positions, rows, accepted) -> {
              if (!positions.isEmpty()) {
                throw new TypedLoad.FoundRows();
              }
            },
            true);
    if (probe == null) {
      return null;
    }
    try {
      typed.extractTyped(run, probe);
      probe.endOpenPage();
    } catch (Exception e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof TypedLoad.FoundRows) {
          return null;
        }
      }
      DuckliftException failure =
          e instanceof DuckliftException d
              ? d
              : new DuckliftException(
                  "Resource '" + spec.name() + "' failed looking for new rows: " + e.getMessage(),
                  e);
      listener.resourceFailed(spec.name(), loadId, failure);
      throw failure;
    }
    if (!probe.probeFoundNothingNew()) {
      return null;
    }
    return new TableRunResult(
        spec.name(),
        run.normalizer.rootTable(),
        loadId,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        null,
        List.of(),
        Map.of("extract", Duration.ofNanos(System.nanoTime() - t0)),
        "nothing to load");
  }

  private void restore(StateStore state) {
    Optional<PipelineState> remote = destination.restoreState(name);
    if (remote.isPresent()) {
      if (!remote.get().resources().equals(state.pipelineState().resources())) {
        state.restore(remote.get());
      }
    }
  }

  // ---- broken staging -----------------------------------------------------------------------

  /**
   * Opens staging; one that cannot be opened is moved aside and replaced by an empty one only when
   * nothing in it can be pending: the clean marker promises it held no load, or every load the
   * local journal lists as possibly staged is recorded in the destination.
   */
  private Staging openStaging(StateStore state, CleanStagingMarker marker) {
    try {
      return Staging.open(workingDirectory);
    } catch (Staging.Unreadable e) {
      String unproven = marker.clean() ? null : unprovenLoads(state);
      Path file = e.file();
      if (unproven != null) {
        throw new LocalStateException(
            "The staging database "
                + file
                + " of pipeline '"
                + name
                + "' cannot be opened ("
                + rootMessage(e)
                + "), and the lake cannot prove that nothing in it is pending: "
                + unproven
                + ". If the source still holds those rows, move "
                + file
                + " (and any "
                + file.getFileName()
                + ".wal) aside and run again: the next run extracts again from the watermarks"
                + " committed in the lake. Otherwise restore the file from a backup",
            e);
      }
      Path aside;
      try {
        aside = Staging.moveAside(workingDirectory);
      } catch (java.io.IOException io) {
        throw new LocalStateException(
            "The staging database "
                + file
                + " of pipeline '"
                + name
                + "' cannot be opened ("
                + rootMessage(e)
                + ") nor moved aside ("
                + io.getMessage()
                + "). Nothing in it is pending: delete it and run again",
            io);
      }
      LOG.warn(
          "The staging database {} of pipeline '{}' cannot be opened ({}); nothing in it is"
              + " pending, so it was moved aside to {} and replaced by an empty one",
          file,
          name,
          rootMessage(e),
          aside.getFileName());
      return Staging.open(workingDirectory);
    }
  }

  /**
   * Why the destination cannot prove that staging holds nothing pending, or null if it can: the
   * loads the local journal lists as extracting, staged, failed or promoted (a staging file may
   * still hold them) that the destination does not record.
   */
  private String unprovenLoads(StateStore state) {
    if (state.isEmpty()) {
      return "the state store, whose journal lists the loads staged, is new";
    }
    List<String> unproven = new ArrayList<>();
    for (Map.Entry<String, String> e : state.journalStatuses().entrySet()) {
      String status = e.getValue();
      if (!status.equals(StateStore.FINISHED)
          && !status.equals(StateStore.DISCARDED)
          && !destination.isCommitted(name, e.getKey())) {
        unproven.add(e.getKey() + " (" + status + ")");
      }
    }
    return unproven.isEmpty()
        ? null
        : "the local journal lists "
            + (unproven.size() > 1 ? "loads " : "load ")
            + String.join(", ", unproven)
            + " as possibly staged, not recorded in the lake";
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e.getCause() != null ? e.getCause() : e;
    return String.valueOf(t.getMessage());
  }

  // ---- pending loads ------------------------------------------------------------------------

  private boolean finishPending(
      StateStore state, Staging staging, LoadManifest m, List<TableRunResult> results) {
    listener.pendingLoadResumed(m.resource(), m.loadId());
    long t0 = System.nanoTime();
    if (destination.isCommitted(name, m.loadId())) {
      PromoteResult already = new PromoteResult(java.util.OptionalLong.empty(), true, List.of());
      listener.loadPromoted(m.resource(), m.loadId(), already);
      long t1 = System.nanoTime();
      finish(state, staging, m);
      results.addAll(
          tableResults(
              m, already, Map.of("finish", Duration.ofNanos(System.nanoTime() - t1)), 0, 0));
      return true;
    }
    if (!m.promotable()) {
      staging.drop(m.loadId());
      state.journal(m.loadId(), m.resource(), StateStore.DISCARDED);
      return false;
    }
    PromoteResult promoted = promote(state, staging, m);
    long t1 = System.nanoTime();
    finish(state, staging, m);
    Map<String, Duration> durations = new LinkedHashMap<>();
    durations.put("promote", Duration.ofNanos(t1 - t0));
    durations.put("finish", Duration.ofNanos(System.nanoTime() - t1));
    results.addAll(tableResults(m, promoted, durations, 0, 0));
    return true;
  }

  private PromoteResult promote(StateStore state, Staging staging, LoadManifest m) {
    if (!m.merge().isNone() && !m.tables().isEmpty()) {
      m.merge().checkColumns("Resource '" + m.resource() + "'", m.tables().get(0).schema());
    }
    List<StagedTable> tables = new ArrayList<>();
    boolean first = true;
    for (LoadManifest.Table t : m.tables()) {
      TableSchema schema = t.schema();
      boolean root = first && !schema.isChild();
      tables.add(
          new StagedTable(
              schema,
              Staging.relation(m.loadId(), schema.name()),
              t.rows(),
              m.writeDisposition(),
              root ? m.primaryKey() : List.of(),
              root ? m.cursorColumn() : null,
              root ? m.partitionBy() : List.of(),
              m.merge()));
      first = false;
    }
    PipelineState current = state.pipelineState();
    PipelineState covering =
        m.advancesState()
            ? current.with(m.resource(), new PipelineState.ResourceState(m.watermarks()))
            : current;
    StagedLoad load =
        new StagedLoad(name, m.loadId(), staging.connection(), tables, covering, m.startedAt());
    CrashPoints.reach(CrashPoints.BEFORE_PROMOTE);
    PromoteResult result;
    try {
      result = destination.promote(load);
    } catch (RuntimeException e) {
      state.journal(m.loadId(), m.resource(), StateStore.STAGED);
      throw e instanceof DuckliftException d
          ? d
          : new DuckliftException(
              "Destination '"
                  + destination.name()
                  + "' failed to promote load "
                  + m.loadId()
                  + " of resource '"
                  + m.resource()
                  + "': "
                  + e.getMessage(),
              e);
    }
    if (result == null) {
      throw new DuckliftException(
          "Destination '" + destination.name() + "' returned no result for load " + m.loadId());
    }
    listener.loadPromoted(m.resource(), m.loadId(), result);
    CrashPoints.reach(CrashPoints.AFTER_PROMOTE_BEFORE_FINISH);
    return result;
  }

  private void finish(StateStore state, Staging staging, LoadManifest m) {
    List<TableSchema> schemas = m.tables().stream().map(LoadManifest.Table::schema).toList();
    state.finishLoad(m.loadId(), m.resource(), m.watermarks(), schemas, m.advancesState());
    CrashPoints.reach(CrashPoints.DURING_CLEANUP);
    staging.drop(m.loadId());
    state.journal(m.loadId(), m.resource(), StateStore.FINISHED);
    listener.loadFinished(m.resource(), m.loadId());
    CrashPoints.reach(CrashPoints.AFTER_FINISH);
  }

  // ---- new loads ----------------------------------------------------------------------------

  private String runResource(
      StateStore state,
      Staging staging,
      CleanStagingMarker marker,
      Resource resource,
      Extraction run,
      ExtractionPool pool,
      int index,
      List<TableRunResult> results) {
    ResourceSpec spec = resource.spec();
    String loadId = run.loadId;
    CursorTracker tracker = run.tracker;
    if (cancelled.getAsBoolean()) {
      throw new DuckliftException(
          "Pipeline '" + name + "' was cancelled before resource '" + spec.name() + "'");
    }
    state.journal(loadId, spec.name(), StateStore.EXTRACTING);
    listener.resourceStarted(spec.name(), loadId);
    long t0 = System.nanoTime();
    LoadManifest manifest;
    marker.remove();
    long startMillis = System.currentTimeMillis();
    run.startedAt = Instant.ofEpochMilli(startMillis);
    try (Staging.LoadWriter writer = staging.begin(loadId, startMillis)) {
      run.writer = writer;
      run.normalizer = new Normalizer(spec, loadId, state.schemas(spec.name()), writer);
      run.cursorColumn =
          spec.incremental() == null
              ? null
              : run.normalizer.columnOfPath(spec.incremental().cursorPath());
      for (NormalizedTable t : run.normalizer.tables()) {
        writer.ensureTable(t);
      }
      TypedLoad typed =
          resource instanceof TypedResource t && t.stagesTyped(run)
              ? TypedLoad.plan(
                  spec,
                  loadId,
                  t.columns(),
                  run.normalizer,
                  tracker,
                  writer,
                  run::typedPageEnded,
                  false)
              : null;
      if (typed != null) {
        run.typed = typed;
        try {
          pool.startAfter(index);
          ((TypedResource) resource).extractTyped(run, typed);
          typed.endOpenPage();
          typed.finish();
        } catch (Exception | Error e) {
          // Pages handed over before the failure are still staged, so their checkpoints commit
          // exactly as if they had been staged in line; the rest is rolled back.
          typed.drain();
          if (e instanceof Error error) {
            throw error;
          }
          if (e instanceof DuckliftException d) {
            throw d;
          }
          throw new DuckliftException(
              "Resource '" + spec.name() + "' failed in load " + loadId + ": " + e.getMessage(), e);
        }
      } else {
        extractRecords(spec, loadId, pool, index, run, writer);
      }
      if (cancelled.getAsBoolean()) {
        throw new DuckliftException(
            "Resource '" + spec.name() + "' was cancelled in load " + loadId);
      }
      long ts = System.nanoTime();
      manifest = run.manifest(LoadManifest.STAGED);
      writer.checkpoint(manifest);
      run.stageNanos += System.nanoTime() - ts;
      listener.checkpointCommitted(
          spec.name(), loadId, run.lastCheckpointRows, writer.rowsCommitted());
      CrashPoints.reach(CrashPoints.AFTER_STAGING_COMMIT);
    } catch (RuntimeException e) {
      state.journal(loadId, spec.name(), StateStore.FAILED);
      listener.resourceFailed(spec.name(), loadId, e);
      throw e;
    }
    state.journal(loadId, spec.name(), StateStore.STAGED);
    long extractEnd = System.nanoTime();
    Map<String, Duration> durations = new LinkedHashMap<>();
    long total = extractEnd - t0;
    // Normalizing and staging overlap with extracting (see PageWorker): "extract" is the wall
    // time of the whole phase, "normalize" and "stage" the time the worker spent on each.
    durations.put("extract", Duration.ofNanos(total));
    durations.put("normalize", Duration.ofNanos(run.normalizeNanos));
    durations.put("stage", Duration.ofNanos(run.stageNanos));
    boolean moves = manifest.advancesState() && !manifest.watermarks().equals(tracker.committed());
    if (manifest.totalRows() == 0
        && manifest.writeDisposition() != WriteDisposition.REPLACE
        && !moves) {
      staging.drop(loadId);
      state.journal(loadId, spec.name(), StateStore.DISCARDED);
      results.add(
          new TableRunResult(
              spec.name(),
              run.normalizer.rootTable(),
              loadId,
              0,
              0,
              0,
              0,
              0,
              0,
              run.discarded(),
              null,
              manifest.schemaChanges(),
              durations,
              "nothing to load"));
      return null;
    }
    long tp = System.nanoTime();
    PromoteResult promoted = promote(state, staging, manifest);
    long tf = System.nanoTime();
    finish(state, staging, manifest);
    durations.put("promote", Duration.ofNanos(tf - tp));
    durations.put("finish", Duration.ofNanos(System.nanoTime() - tf));
    results.addAll(
        tableResults(manifest, promoted, durations, run.discarded(), manifest.recordsExtracted()));
    return loadId;
  }

  /** Extracts records and normalizes them on a second thread (see {@link PageWorker}). */
  private void extractRecords(
      ResourceSpec spec,
      String loadId,
      ExtractionPool pool,
      int index,
      Extraction run,
      Staging.LoadWriter writer) {
    // Three threads: the resource's parses, the worker normalizes and lays rows out, and the
    // writer's own appends and commits them (checkpoints commit in background).
    writer.stageInBackground();
    PageWorker worker =
        new PageWorker("ducklift-normalize-" + name, run::accept, writer::closeAppenders);
    try {
      pool.extract(index, worker::offer);
    } catch (Exception e) {
      // Pages handed over before the failure are still normalized, so their checkpoints commit
      // exactly as if they had been processed in line; the rest is rolled back by the caller.
      worker.drain();
      run.reportCommitted();
      Throwable cause = worker.failure() != null ? worker.failure() : e;
      if (cause instanceof DuckliftException d) {
        throw d;
      }
      throw new DuckliftException(
          "Resource '" + spec.name() + "' failed in load " + loadId + ": " + cause.getMessage(),
          cause);
    } catch (Error e) {
      worker.abandon();
      throw e;
    }
    worker.finish();
    run.reportCommitted();
  }

  private List<TableRunResult> tableResults(
      LoadManifest m,
      PromoteResult promoted,
      Map<String, Duration> durations,
      long discarded,
      long recordsExtracted) {
    List<TableRunResult> list = new ArrayList<>();
    boolean first = true;
    for (LoadManifest.Table t : m.tables()) {
      String table = t.schema().name();
      PromoteResult.TableWriteResult w =
          promoted.tables().stream().filter(x -> x.table().equals(table)).findFirst().orElse(null);
      List<String> changes =
          m.schemaChanges().stream()
              .filter(c -> c.equals("added table " + table) || c.contains(" " + table + "."))
              .toList();
      list.add(
          new TableRunResult(
              m.resource(),
              table,
              m.loadId(),
              first ? Math.max(recordsExtracted, 0) : t.rows(),
              t.rows(),
              w == null ? 0 : w.inserted(),
              w == null ? 0 : w.skippedDuplicates(),
              w == null ? 0 : w.replaced(),
              w == null ? 0 : w.deleted(),
              first ? discarded : 0,
              promoted.snapshotId().isPresent() ? promoted.snapshotId().getAsLong() : null,
              changes,
              durations,
              w == null ? (promoted.alreadyCommitted() ? "already committed" : "") : w.notes()));
      first = false;
    }
    return list;
  }

  private static String newLoadId() {
    return LOAD_ID_TIME.format(Instant.now()) + "_" + String.format("%08x", RANDOM.nextInt());
  }

  /** The state of one resource's extract; also its {@link ExtractContext}. */
  private final class Extraction implements ExtractContext {
    private final ResourceSpec spec;
    private final String loadId;
    private final CursorTracker tracker;
    Staging.LoadWriter writer;
    Normalizer normalizer;
    TypedLoad typed;
    String cursorColumn;
    Instant startedAt;
    long records;
    long excluded;
    long pagesSinceCheckpoint;
    long lastCheckpointRows;
    long normalizeNanos;
    long stageNanos;

    Extraction(ResourceSpec spec, String loadId, CursorTracker tracker) {
      this.spec = spec;
      this.loadId = loadId;
      this.tracker = tracker;
    }

    long discarded() {
      if (typed != null) {
        return typed.discarded();
      }
      return normalizer.rowsDiscarded() + tracker.outside() + excluded;
    }

    /** A page of a typed load ended: report it and checkpoint like {@link #accept}. */
    void typedPageEnded(
        String description,
        String stateKey,
        Map<String, CursorValue> positions,
        int rows,
        int accepted) {
      if (cancelled.getAsBoolean()) {
        throw new DuckliftException(
            "Resource '" + spec.name() + "' was cancelled in load " + loadId);
      }
      listener.pageExtracted(
          spec.name(), new Page(List.of(), description, stateKey, positions), rows, accepted);
      pagesSinceCheckpoint++;
      maybeCheckpoint(System.nanoTime());
    }

    private void maybeCheckpoint(long t1) {
      // A checkpoint committing in background and the rows staged after it are both lost if the
      // process dies meanwhile, so background checkpoints come twice as often: a crash then loses
      // at most one configured interval, as with checkpoints committed in line. An interval too
      // small to halve commits in line.
      boolean background = writer.stagesInBackground();
      long rowLimit = background ? checkpointRows / 2 : checkpointRows;
      int pageLimit = background ? checkpointPages / 2 : checkpointPages;
      if (rowLimit < 1 || (checkpointPages > 0 && pageLimit < 1)) {
        background = false;
        rowLimit = checkpointRows;
        pageLimit = checkpointPages;
      }
      if (writer.rowsSinceCheckpoint() >= rowLimit
          || (pageLimit > 0 && pagesSinceCheckpoint >= pageLimit)) {
        long rows = writer.rowsSinceCheckpoint();
        if (background) {
          writer.checkpointInBackground(manifest(LoadManifest.EXTRACTING));
        } else if (writer.stagesInBackground()) {
          writer.checkpoint(manifest(LoadManifest.EXTRACTING));
          reportCommitted();
          listener.checkpointCommitted(spec.name(), loadId, rows, writer.rowsCommitted());
          CrashPoints.reach(CrashPoints.MID_EXTRACT);
        } else {
          writer.checkpointInBackground(manifest(LoadManifest.EXTRACTING));
        }
        lastCheckpointRows = rows;
        pagesSinceCheckpoint = 0;
        stageNanos += System.nanoTime() - t1;
      }
      reportCommitted();
    }

    /** Reports the checkpoints committed since the last report. */
    void reportCommitted() {
      for (long[] c : writer.takeCommittedCheckpoints()) {
        listener.checkpointCommitted(spec.name(), loadId, c[0], c[1]);
        CrashPoints.reach(CrashPoints.MID_EXTRACT);
      }
    }

    @SuppressWarnings("unchecked")
    boolean accept(Page page) {
      if (cancelled.getAsBoolean()) {
        throw new DuckliftException(
            "Resource '" + spec.name() + "' was cancelled in load " + loadId);
      }
      long t0 = System.nanoTime();
      List<? extends Object> list = page.records();
      long pastEndBefore = tracker.pastEnd();
      int accepted = 0;
      for (int i = 0, n = list.size(); i < n; i++) {
        Object record = list.get(i);
        if (!(record instanceof Map<?, ?>)) {
          throw new DuckliftException(
              "Resource '"
                  + spec.name()
                  + "', table '"
                  + normalizer.rootTable()
                  + "': record "
                  + i
                  + " of "
                  + page.description()
                  + " is not an object: "
                  + Normalizer.excerpt(record));
        }
        Map<String, Object> map = (Map<String, Object>) record;
        CursorTracker.Decision decision =
            tracker.accept(map, page.stateKey(), page.description(), i);
        if (decision == CursorTracker.Decision.ACCEPT) {
          if (normalizer.normalize(map, page.description(), i)) {
            records++;
            accepted++;
          }
        } else if (decision == CursorTracker.Decision.EXCLUDED) {
          excluded++;
        }
      }
      tracker.position(page.positions());
      listener.pageExtracted(spec.name(), page, list.size(), accepted);
      pagesSinceCheckpoint++;
      long t1 = System.nanoTime();
      normalizeNanos += t1 - t0;
      maybeCheckpoint(t1);
      boolean allPastEnd = !list.isEmpty() && tracker.pastEnd() - pastEndBefore == list.size();
      return !allPastEnd;
    }

    LoadManifest manifest(String status) {
      List<LoadManifest.Table> tables = new ArrayList<>();
      for (NormalizedTable t : normalizer.tables()) {
        writer.ensureTable(t);
        tables.add(new LoadManifest.Table(t.schema(), writer.rowsIncludingPending(t.name())));
      }
      return new LoadManifest(
          loadId,
          spec.name(),
          status,
          tracker.advancesState(),
          typed != null ? typed.ordered() : tracker.ordered(),
          typed != null ? typed.watermarks() : tracker.watermarks(),
          spec.writeDisposition(),
          normalizer.primaryKeyColumns(),
          cursorColumn,
          tables,
          typed != null ? typed.records() : records,
          discarded(),
          normalizer.schemaChanges(),
          normalizer.partitionFields(),
          spec.merge().mapColumns(normalizer::columnOfPath),
          startedAt);
    }

    @Override
    public String pipelineName() {
      return name;
    }

    @Override
    public ResourceSpec spec() {
      return spec;
    }

    @Override
    public Optional<CursorValue> lastValue(String stateKey) {
      return tracker.lastValue(stateKey);
    }

    @Override
    public Optional<CursorValue> startValue(String stateKey) {
      return tracker.startValue(stateKey);
    }

    @Override
    public Optional<CursorValue> endValue() {
      return tracker.endValue();
    }

    @Override
    public Map<String, CursorValue> lastValues() {
      return tracker.committed();
    }

    @Override
    public boolean cancelled() {
      return cancelled.getAsBoolean();
    }
  }
}
