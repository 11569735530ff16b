package dev.ducklift.samples.cli;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.samples.orchestrate.Outcome;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code ducklift} command line. Results go to standard output (JSON for {@code run}, tables or
 * {@code --json} elsewhere); progress and errors go to standard error; the exit code says how it
 * ended (see {@link Outcome}).
 */
@Command(
    name = "ducklift",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Declarative ingestion from REST APIs and databases into DuckLake lakehouses.",
    subcommands = {
      RunCommand.class,
      StateCommand.class,
      SnapshotsCommand.class,
      QueryCommand.class,
      VerifyCommand.class,
      MaintainCommand.class,
      DemoCommand.class,
      GenerateCommand.class,
      ScheduleCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  internal error",
      "  2  usage error (bad command line)",
      "  3  bad pipeline config (nothing ran; do not retry)",
      "  4  source failure (connection, HTTP errors, bad records; retry is safe)",
      "  5  commit conflict in the lake (nothing committed; retry is safe)",
      "  6  destination failure (catalog or data files; staged loads kept)",
      "  7  verification found problems",
      "  8  command not available in this build",
      "130  interrupted"
    })
public final class Main implements Runnable {

  final PrintStream out;
  final PrintStream err;
  final Map<String, String> environment;
  final Path workingDirectory;

  @Spec CommandSpec spec;

  Main(PrintStream out, PrintStream err, Map<String, String> environment, Path workingDirectory) {
    this.out = out;
    this.err = err;
    this.environment = environment;
    this.workingDirectory = workingDirectory;
  }

  public static void main(String[] args) {
    System.exit(
        execute(args, System.out, System.err, System.getenv(), Path.of("").toAbsolutePath()));
  }

  /**
   * Runs a command line and returns its exit code, writing to the given streams. Relative paths
   * resolve against {@code workingDirectory}.
   */
  public static int execute(
      String[] args,
      PrintStream out,
      PrintStream err,
      Map<String, String> environment,
      Path workingDirectory) {
    Main main = new Main(out, err, environment, workingDirectory);
    CommandLine cli = new CommandLine(main);
    cli.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          String command = commandLine.getCommandName();
          Outcome outcome = e instanceof CliException c ? c.outcome() : Outcome.INTERNAL_ERROR;
          String message = e.getMessage() == null ? e.toString() : e.getMessage();
          err.println("ducklift " + command + ": " + message);
          if (!(e instanceof DuckliftException)) {
            e.printStackTrace(err);
          }
          err.flush();
          return outcome.exitCode();
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** With no command: the usage and exit code 2. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command");
  }

  Path resolve(Path path) {
    return workingDirectory.resolve(path).normalize();
  }

  /** The version from the jar manifest, or the development version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ducklift " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
