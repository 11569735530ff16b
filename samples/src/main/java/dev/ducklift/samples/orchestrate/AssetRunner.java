package dev.ducklift.samples.orchestrate;

import dev.ducklift.core.Pipeline;
import dev.ducklift.core.PipelineConfig;
import dev.ducklift.core.PipelineListener;
import dev.ducklift.core.RunFailedException;
import dev.ducklift.core.RunResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs a pipeline as an asset: one call, one structured {@link AssetResult}, never an exception for
 * a failed run (the failure is classified in {@link AssetResult#outcome()}). This is the embedding
 * point for orchestrators: Dagster (directly or through {@link DagsterPipes}), Airflow tasks, the
 * {@link dev.ducklift.samples.schedule.Scheduler}, or the CLI.
 */
public final class AssetRunner {

  private AssetRunner() {}

  /** Runs {@code pipeline} once (it is not closed). */
  public static AssetResult run(Pipeline pipeline) {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    try {
      RunResult result = pipeline.run();
      return new AssetResult(
          pipeline.name(),
          Outcome.SUCCESS,
          result.startedAt(),
          result.duration(),
          Optional.of(result),
          null);
    } catch (RuntimeException | Error e) {
      if (e instanceof Error && !(e instanceof AssertionError)) {
        throw (Error) e;
      }
      // Resources that committed before or beside a failed one are in the lake: report them.
      Optional<RunResult> committed =
          e instanceof RunFailedException failed
              ? Optional.ofNullable(failed.result())
              : Optional.empty();
      return new AssetResult(
          pipeline.name(),
          Outcome.ofRunFailure(e),
          started,
          Duration.ofNanos(System.nanoTime() - t0),
          committed,
          message(e));
    }
  }

  /**
   * Loads a YAML/JSON config, builds its pipeline (with {@code customize} applied to the builder,
   * e.g. to add listeners), runs it once and closes it. A config that cannot be read, or whose
   * sources or destination cannot be created from it, gives {@link Outcome#BAD_CONFIG} without
   * running anything.
   */
  public static AssetResult run(
      Path configFile, Function<Pipeline.Builder, Pipeline.Builder> customize) {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Pipeline.Builder builder;
    String name = configFile.getFileName().toString();
    try {
      PipelineConfig config = PipelineConfig.load(configFile);
      name = config.name();
      builder = customize.apply(config.toBuilder());
    } catch (RuntimeException e) {
      return new AssetResult(
          name,
          Outcome.BAD_CONFIG,
          started,
          Duration.ofNanos(System.nanoTime() - t0),
          Optional.empty(),
          message(e));
    }
    Pipeline pipeline;
    try {
      // Building lists the sources' resources, which may reach the source (table reflection).
      pipeline = builder.build();
    } catch (RuntimeException e) {
      return new AssetResult(
          name,
          Outcome.ofRunFailure(e),
          started,
          Duration.ofNanos(System.nanoTime() - t0),
          Optional.empty(),
          message(e));
    }
    try (pipeline) {
      return run(pipeline);
    }
  }

  /** {@link #run(Path, Function)} with listeners added. */
  public static AssetResult run(Path configFile, PipelineListener... listeners) {
    return run(
        configFile,
        b -> {
          for (PipelineListener l : listeners) {
            b.listener(l);
          }
          return b;
        });
  }

  /**
   * Runs an asset inside a Dagster Pipes session: logs the start, reports the materialization of
   * {@code assetKey} (or the step's single asset when null) with the run's figures as metadata on
   * success, logs the error on failure, and closes the session (with the exception on failure).
   */
  public static AssetResult runReporting(
      DagsterPipes pipes, String assetKey, java.util.function.Supplier<AssetResult> run) {
    pipes.log("INFO", "Ducklift run starting (Dagster run " + pipes.context().runId() + ")");
    AssetResult result;
    try {
      result = run.get();
    } catch (RuntimeException e) {
      pipes.log("ERROR", message(e));
      pipes.close(e);
      throw e;
    }
    if (result.succeeded()) {
      pipes.log(
          "INFO",
          "Pipeline '"
              + result.pipeline()
              + "' loaded "
              + result.rowsInserted()
              + " rows in "
              + result.duration().toMillis()
              + " ms; snapshots "
              + result.snapshotIds());
      Map<String, MetadataValue> metadata = result.dagsterMetadata();
      pipes.reportAssetMaterialization(
          assetKey, metadata, result.latestSnapshotId().map(id -> "snapshot-" + id).orElse(null));
      pipes.close();
    } else {
      pipes.log(
          "ERROR",
          "Pipeline '"
              + result.pipeline()
              + "' failed ("
              + result.outcome().jsonName()
              + "): "
              + result.error());
      pipes.close(new PipelineFailure(result));
    }
    return result;
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The failure of an {@link AssetResult}, as reported in a Pipes {@code closed} message. */
  static final class PipelineFailure extends dev.ducklift.core.DuckliftException {
    private static final long serialVersionUID = 1L;

    PipelineFailure(AssetResult result) {
      super(
          "Pipeline '"
              + result.pipeline()
              + "' failed with "
              + result.outcome().jsonName()
              + " (exit code "
              + result.outcome().exitCode()
              + "): "
              + result.error());
    }
  }
}
