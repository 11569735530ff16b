package dev.ducklift.samples.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.PipelineConfig;
import dev.ducklift.samples.orchestrate.AssetResult;
import dev.ducklift.samples.orchestrate.AssetRunner;
import dev.ducklift.samples.orchestrate.Outcome;
import dev.ducklift.samples.schedule.PermanentFailure;
import dev.ducklift.samples.schedule.RetryPolicy;
import dev.ducklift.samples.schedule.RunHistory;
import dev.ducklift.samples.schedule.RunRecord;
import dev.ducklift.samples.schedule.Schedule;
import dev.ducklift.samples.schedule.Scheduler;
import dev.ducklift.samples.schedule.SchedulerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a pipeline on a fixed rate or a cron schedule until interrupted.",
      "Runs never overlap, also across processes: each run holds a lease file in the pipeline's"
          + " working directory (a crashed holder's lease lapses after --lease-ttl). Failed runs"
          + " are retried with exponential backoff; every attempt is appended to"
          + " run-history.jsonl there (see --history)."
    })
final class ScheduleCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "The pipeline config file.")
  Path config;

  @ArgGroup(exclusive = true)
  When when;

  static final class When {
    @Option(
        names = "--every",
        paramLabel = "DURATION",
        description = "Fixed rate, e.g. 30s, 5m, 1h.")
    String every;

    @Option(
        names = "--cron",
        paramLabel = "EXPR",
        description = "Cron: 5 fields (minute hour day month weekday) or 6 with seconds first.")
    String cron;
  }

  @Option(names = "--zone", defaultValue = "UTC", description = "Cron time zone. Default: UTC.")
  String zone;

  @Option(
      names = "--attempts",
      defaultValue = "3",
      description = "Attempts per fire, including the first. Default: ${DEFAULT-VALUE}.")
  int attempts;

  @Option(
      names = "--backoff",
      defaultValue = "10s",
      description = "Wait before the first retry; doubles per retry. Default: ${DEFAULT-VALUE}.")
  String backoff;

  @Option(
      names = "--lease-ttl",
      defaultValue = "60s",
      description = "How long a dead holder's lease blocks others. Default: ${DEFAULT-VALUE}.")
  String leaseTtl;

  @Option(
      names = "--max-fires",
      paramLabel = "N",
      description = "Stop after N fires (default: run until interrupted).")
  Integer maxFires;

  @Option(
      names = "--history",
      description = "Print the pipeline's run history as JSON lines and exit.")
  boolean history;

  @Option(names = "--progress", defaultValue = "plain", description = "As for run. Default: plain.")
  String progress;

  @Override
  public Integer call() throws Exception {
    Path file = main.resolve(config);
    PipelineConfig cfg;
    try {
      cfg = PipelineConfig.load(file);
    } catch (RuntimeException e) {
      throw new CliException(Outcome.BAD_CONFIG, e.getMessage(), e);
    }
    Path dir = cfg.workingDirectory();
    if (history) {
      for (RunRecord r : RunHistory.in(dir).runs(cfg.name())) {
        main.out.println(toJson(r));
      }
      return 0;
    }
    if (when == null) {
      throw new CliException(Outcome.USAGE_ERROR, "Give --every or --cron");
    }
    Schedule schedule;
    try {
      schedule =
          when.every != null
              ? Schedule.every(GenerateCommand.parseDuration(when.every))
              : Schedule.cron(when.cron, ZoneId.of(zone));
    } catch (DuckliftException | IllegalArgumentException | java.time.DateTimeException e) {
      if (e instanceof CliException c) {
        throw c;
      }
      throw new CliException(Outcome.USAGE_ERROR, e.getMessage(), e);
    }
    Duration firstBackoff = GenerateCommand.parseDuration(backoff);
    RetryPolicy retry =
        RetryPolicy.exponential(attempts, firstBackoff, firstBackoff.multipliedBy(32));
    AtomicInteger fires = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    SchedulerListener listener =
        new SchedulerListener() {
          @Override
          public void attemptFinished(RunRecord record) {
            main.err.println("schedule: " + toJson(record));
          }

          @Override
          public void fireFinished(RunRecord last) {
            if (maxFires != null && fires.incrementAndGet() >= maxFires) {
              done.countDown();
            }
          }

          @Override
          public void nextFireScheduled(String job, Instant at) {
            main.err.println("schedule: next run of " + job + " at " + at);
          }

          @Override
          public void leaseLost(String job) {
            main.err.println("schedule: lost the lease of " + job + " while running");
          }
        };
    try (Scheduler scheduler =
        Scheduler.builder()
            .workingDirectory(dir)
            .leaseTtl(GenerateCommand.parseDuration(leaseTtl))
            .listener(listener)
            .build()) {
      scheduler.schedule(
          cfg.name(),
          schedule,
          () -> {
            AssetResult result =
                AssetRunner.run(
                    file, new ProgressListener(main.err, ProgressListener.mode(progress)));
            if (result.outcome() == Outcome.BAD_CONFIG) {
              throw new PermanentFailure(result.outcome().jsonName() + ": " + result.error());
            }
            if (!result.succeeded()) {
              throw new DuckliftException(result.outcome().jsonName() + ": " + result.error());
            }
            return result.toJson();
          },
          retry);
      Thread hook = new Thread(done::countDown);
      Runtime.getRuntime().addShutdownHook(hook);
      scheduler.start();
      done.await();
    }
    return 0;
  }

  private static ObjectNode toJson(RunRecord r) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("job", r.job());
    n.put("scheduled_for", String.valueOf(r.scheduledFor()));
    n.put("attempt", r.attempt());
    n.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
    n.put("started_at", String.valueOf(r.startedAt()));
    n.put("duration_ms", r.duration().toMillis());
    n.put("owner", r.owner());
    n.put("error", r.error());
    return n;
  }
}
