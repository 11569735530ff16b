package dev.ducklift.samples.cli;

import dev.ducklift.samples.demo.EventsDemo;
import dev.ducklift.samples.orchestrate.Outcome;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the event-generator demo with nothing to install: starts an embedded PostgreSQL,"
          + " generates application events, loads them incrementally into a DuckLake (catalog in"
          + " a DuckDB file), generates more, loads again, then shows the snapshots, an aggregate"
          + " and a time-travel query.",
      "Everything lives in --dir; running the demo again continues where it left off."
    })
final class DemoCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Option(
      names = "--dir",
      defaultValue = "ducklift-demo",
      description = "Where the database, lake and state live. Default: ${DEFAULT-VALUE}.")
  Path dir;

  @Option(
      names = "--rows",
      defaultValue = "5000",
      description = "Events per generator batch. Default: ${DEFAULT-VALUE}.")
  int rows;

  @Option(
      names = "--batches",
      defaultValue = "2",
      description = "Generator batches per round. Default: ${DEFAULT-VALUE}.")
  int batches;

  @Option(
      names = "--rounds",
      defaultValue = "2",
      description = "Generate-then-load rounds. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--seed", description = "Random seed for repeatable events.")
  Long seed;

  @Option(names = "--progress", defaultValue = "auto", description = "As for run.")
  String progress;

  @Option(
      names = "--no-rest",
      description = "Skip the REST sample (the bundled tickets API loaded into the same lake).")
  boolean noRest;

  @Override
  public Integer call() {
    EventsDemo demo =
        new EventsDemo(
            new EventsDemo.Settings(main.resolve(dir), rows, batches, rounds, seed, !noRest),
            new ProgressListener(main.err, ProgressListener.mode(progress)));
    EventsDemo.Report report;
    try {
      report = demo.run(main.out);
    } catch (dev.ducklift.samples.orchestrate.NotAvailableException e) {
      throw new CliException(Outcome.NOT_AVAILABLE, e.getMessage(), e);
    }
    return java.util.stream.Stream.concat(report.rounds().stream(), report.rest().stream())
        .map(r -> r.result().outcome())
        .filter(o -> o != Outcome.SUCCESS)
        .findFirst()
        .orElse(Outcome.SUCCESS)
        .exitCode();
  }
}
