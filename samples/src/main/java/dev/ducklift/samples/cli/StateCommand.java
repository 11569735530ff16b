package dev.ducklift.samples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.PipelineConfig;
import dev.ducklift.core.internal.PipelineRunner;
import dev.ducklift.core.internal.StateStore;
import dev.ducklift.core.spi.Destination;
import dev.ducklift.core.spi.PipelineState;
import dev.ducklift.core.spi.PromoteResult;
import dev.ducklift.core.spi.StagedLoad;
import dev.ducklift.samples.orchestrate.Outcome;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "state",
    mixinStandardHelpOptions = true,
    description = "Shows or resets a pipeline's watermarks; discards a staged load.",
    subcommands = {StateCommand.Show.class, StateCommand.Reset.class, StateCommand.Discard.class})
final class StateCommand implements Runnable {

  @ParentCommand Main main;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Name a sub-command: show, reset or discard-pending");
  }

  static PipelineConfig load(Main main, Path config) {
    try {
      return PipelineConfig.load(main.resolve(config));
    } catch (RuntimeException e) {
      throw new CliException(Outcome.BAD_CONFIG, e.getMessage(), e);
    }
  }

  static Destination destination(PipelineConfig config) {
    try {
      return config.createDestination();
    } catch (RuntimeException e) {
      throw new CliException(Outcome.BAD_CONFIG, e.getMessage(), e);
    }
  }

  static ObjectNode toJson(PipelineState state) {
    try {
      return (ObjectNode) new ObjectMapper().readTree(state.toJson());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the pipeline's watermarks as JSON: those committed in the lake (the source of"
            + " truth) and the local cache in the working directory."
      })
  static final class Show implements Callable<Integer> {
    @ParentCommand StateCommand parent;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The pipeline config file.")
    Path config;

    @Option(names = "--resource", paramLabel = "NAME", description = "Only this resource.")
    String resource;

    @Override
    public Integer call() {
      Main main = parent.main;
      PipelineConfig cfg = load(main, config);
      PipelineState local;
      try (StateStore store = StateStore.open(cfg.workingDirectory(), cfg.name())) {
        local = store.pipelineState();
      }
      Optional<PipelineState> lake;
      try (Destination destination = destination(cfg)) {
        lake = destination.restoreState(cfg.name());
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("pipeline", cfg.name());
      out.set(
          "lake",
          lake.map(s -> filter(s))
              .map(StateCommand::toJson)
              .map(n -> n.get("resources"))
              .orElse(JsonNodeFactory.instance.nullNode()));
      out.set("local", toJson(filter(local)).get("resources"));
      main.out.println(out.toPrettyString());
      return 0;
    }

    private PipelineState filter(PipelineState state) {
      if (resource == null) {
        return state;
      }
      return new PipelineState(state.pipelineName(), Map.of(resource, state.resource(resource)));
    }
  }

  @Command(
      name = "reset",
      mixinStandardHelpOptions = true,
      description = {
        "Removes (or sets) a resource's watermark, so its next run starts from the initial value"
            + " (or from --to). The change is committed in the lake as a state-only snapshot, so"
            + " every worker sees it, and in the local cache.",
        "Rows read again are deduplicated by primary key (insert-new, merge)."
      })
  static final class Reset implements Callable<Integer> {
    @ParentCommand StateCommand parent;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The pipeline config file.")
    Path config;

    @Option(
        names = "--resource",
        required = true,
        paramLabel = "NAME",
        description = "The resource whose watermark to reset.")
    String resource;

    @Option(
        names = "--key",
        paramLabel = "KEY",
        description = "Only this state key (per-parent watermarks); default: all of the resource.")
    String key;

    @Option(
        names = "--to",
        paramLabel = "VALUE",
        description = "Set the watermark to this value (same type as the current one) instead.")
    String to;

    @Override
    public Integer call() throws Exception {
      Main main = parent.main;
      PipelineConfig cfg = load(main, config);
      try (Destination destination = destination(cfg);
          StateStore store = StateStore.open(cfg.workingDirectory(), cfg.name())) {
        PipelineState current =
            destination.restoreState(cfg.name()).orElseGet(store::pipelineState);
        Map<String, CursorValue> marks =
            new LinkedHashMap<>(current.resource(resource).watermarks());
        if (to != null) {
          String k = key == null ? "" : key;
          CursorValue existing = marks.get(k);
          if (existing == null) {
            throw new CliException(
                Outcome.USAGE_ERROR,
                "Resource '"
                    + resource
                    + "' has no watermark under key '"
                    + k
                    + "' to take the type of; run it once first");
          }
          marks.put(k, CursorValue.parse(existing.kind(), to));
        } else if (key != null) {
          marks.remove(key);
        } else {
          marks.clear();
        }
        PipelineState next = current.with(resource, new PipelineState.ResourceState(marks));
        PromoteResult committed;
        try (Connection staging = DriverManager.getConnection("jdbc:duckdb:")) {
          committed =
              destination.promote(
                  new StagedLoad(
                      cfg.name(), "state-reset-" + UUID.randomUUID(), staging, List.of(), next));
        } catch (RuntimeException e) {
          throw new CliException(
              Outcome.DESTINATION_FAILURE,
              "Cannot commit the reset state of resource '" + resource + "': " + e.getMessage(),
              e);
        }
        store.restore(next);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("pipeline", cfg.name());
        out.put("resource", resource);
        out.set("watermarks", toJson(next).path("resources").path(resource).path("watermarks"));
        committed.snapshotId().ifPresent(id -> out.put("snapshot_id", id));
        main.out.println(out.toPrettyString());
      }
      return 0;
    }
  }

  @Command(
      name = "discard-pending",
      mixinStandardHelpOptions = true,
      description = {
        "Drops staged loads that were never promoted (all, or the one given with --load): the way"
            + " out when a staged load cannot be promoted (exit code 10) and fails every run.",
        "Nothing is lost: the next run reads the rows again from the last committed watermark."
      })
  static final class Discard implements Callable<Integer> {
    @ParentCommand StateCommand parent;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The pipeline config file.")
    Path config;

    @Option(
        names = "--load",
        paramLabel = "ID",
        description = "Only this staged load (its id is in the error); default: every one.")
    String load;

    @Override
    public Integer call() {
      Main main = parent.main;
      PipelineConfig cfg = load(main, config);
      List<String> dropped;
      try {
        dropped = PipelineRunner.discardPending(cfg.workingDirectory(), cfg.name(), load);
      } catch (DuckliftException e) {
        throw new CliException(Outcome.USAGE_ERROR, e.getMessage(), e);
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("pipeline", cfg.name());
      dropped.forEach(out.putArray("discarded_loads")::add);
      main.out.println(out.toPrettyString());
      return 0;
    }
  }
}
