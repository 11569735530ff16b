package dev.ducklift.samples.cli;

import dev.ducklift.samples.orchestrate.Outcome;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = "Lake maintenance: expire old snapshots, merge small files, clean up files.")
final class MaintainCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Mixin LakeOptions lake;

  @Override
  public Integer call() {
    throw new CliException(
        Outcome.NOT_AVAILABLE, "maintain is not available in this build (no maintenance API)");
  }
}
