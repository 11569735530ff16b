package dev.ducklift.samples.cli;

import dev.ducklift.ducklake.DuckLake;
import dev.ducklift.ducklake.catalog.CatalogLocation;
import dev.ducklift.samples.orchestrate.Outcome;
import dev.ducklift.samples.schedule.MaintenancePlan;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "Lake maintenance, in this order: expire old snapshots, merge small files, delete files"
          + " scheduled for deletion. Prints what was done as JSON.",
      "Example: ducklift maintain --keep-last 10 --merge --cleanup"
    })
final class MaintainCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Mixin LakeOptions lake;

  @ArgGroup(exclusive = true)
  Expire expire;

  static final class Expire {
    @Option(
        names = "--keep-last",
        paramLabel = "N",
        description = "Expire all snapshots but the newest N.")
    Integer keepLast;

    @Option(
        names = "--expire-older-than",
        paramLabel = "AGE",
        description = "Expire snapshots older than AGE (e.g. 7d, 12h); the latest is always kept.")
    String olderThan;
  }

  @Option(names = "--merge", description = "Merge small adjacent data files of every table.")
  boolean merge;

  @Option(
      names = "--target-file-size",
      paramLabel = "BYTES",
      description = "Size merged files grow to. Default: 536870912 (512 MiB).")
  long targetFileSize = MaintenancePlan.DEFAULT_TARGET_FILE_SIZE;

  @Option(names = "--cleanup", description = "Delete files scheduled for deletion.")
  boolean cleanup;

  @Option(
      names = "--cleanup-older-than",
      paramLabel = "AGE",
      description = "Only files scheduled at least AGE ago (default: all).")
  String cleanupOlderThan;

  @Option(names = "--dry-run", description = "Report what would be done; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    MaintenancePlan plan =
        new MaintenancePlan(
            expire == null ? null : expire.keepLast,
            expire == null || expire.olderThan == null
                ? null
                : GenerateCommand.parseDuration(expire.olderThan),
            merge,
            targetFileSize,
            cleanup,
            cleanupOlderThan == null ? null : GenerateCommand.parseDuration(cleanupOlderThan),
            dryRun);
    if (plan.isEmpty()) {
      throw new CliException(
          Outcome.USAGE_ERROR,
          "Nothing to do: give --keep-last or --expire-older-than, --merge, and/or --cleanup");
    }
    CatalogLocation location = lake.location(main);
    DuckLake opened;
    try {
      opened = DuckLake.open(location, lake.dataPath(main), lake.options());
    } catch (RuntimeException e) {
      throw new CliException(
          Outcome.DESTINATION_FAILURE,
          "Cannot open the lake " + location + ": " + e.getMessage(),
          e);
    }
    try (DuckLake l = opened) {
      main.out.println(plan.run(l, Clock.systemUTC()).toPrettyString());
    } catch (RuntimeException e) {
      if (e instanceof CliException) {
        throw e;
      }
      throw new CliException(
          e.getClass().getSimpleName().contains("Conflict")
              ? Outcome.COMMIT_CONFLICT
              : Outcome.DESTINATION_FAILURE,
          "Maintenance failed: " + e.getMessage(),
          e);
    }
    return 0;
  }
}
