package dev.ducklift.samples.cli;

import dev.ducklift.samples.orchestrate.Outcome;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Validates the lake's catalog and data files (exit code 7 when problems are found).")
final class VerifyCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Mixin LakeOptions lake;

  @Override
  public Integer call() {
    throw new CliException(
        Outcome.NOT_AVAILABLE, "verify is not available in this build (no catalog validator)");
  }
}
