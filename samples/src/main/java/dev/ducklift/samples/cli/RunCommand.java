package dev.ducklift.samples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ducklift.samples.orchestrate.AssetResult;
import dev.ducklift.samples.orchestrate.AssetRunner;
import dev.ducklift.samples.orchestrate.DagsterPipes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a pipeline declared in a YAML or JSON config once and prints its result as JSON.",
      "",
      "Launched by Dagster Pipes (DAGSTER_PIPES_CONTEXT and DAGSTER_PIPES_MESSAGES set), it also"
          + " reports logs and an asset materialization with rows and snapshot ids as metadata."
    })
final class RunCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand Main main;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "The pipeline config file.")
  Path config;

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "Progress on standard error: auto (a live line on a terminal, plain lines otherwise),"
              + " terminal, plain or none. Default: ${DEFAULT-VALUE}.")
  String progress;

  @Option(
      names = "--asset",
      paramLabel = "KEY",
      description = "Dagster asset key to report (default: the step's single asset).")
  String asset;

  @Option(names = "--pretty", description = "Indent the JSON result.")
  boolean pretty;

  @Override
  public Integer call() throws Exception {
    Path file = main.resolve(config);
    ProgressListener listener = new ProgressListener(main.err, ProgressListener.mode(progress));
    Optional<DagsterPipes> pipes = DagsterPipes.open(main.environment);
    AssetResult result =
        pipes.isPresent()
            ? AssetRunner.runReporting(pipes.get(), asset, () -> AssetRunner.run(file, listener))
            : AssetRunner.run(file, listener);
    // When Dagster reads its messages from standard output, keep the result off it.
    boolean pipesOnStdout =
        pipes.isPresent()
            && main.environment.getOrDefault(DagsterPipes.MESSAGES_VARIABLE, "").length() > 0
            && messagesOnStdout();
    PrintStream target = pipesOnStdout ? main.err : main.out;
    target.println(
        pretty
            ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.toJsonNode())
            : result.toJson());
    if (!result.succeeded()) {
      main.err.println("ducklift run: " + result.outcome().jsonName() + ": " + result.error());
    }
    return result.outcome().exitCode();
  }

  private boolean messagesOnStdout() {
    try {
      var params =
          dev.ducklift.samples.orchestrate.PipesParams.decode(
              main.environment.get(DagsterPipes.MESSAGES_VARIABLE), DagsterPipes.MESSAGES_VARIABLE);
      return "stdout".equals(params.path("stdio").asText())
          || "stdout".equals(params.path("buffered_stdio").asText());
    } catch (RuntimeException e) {
      return false;
    }
  }
}
