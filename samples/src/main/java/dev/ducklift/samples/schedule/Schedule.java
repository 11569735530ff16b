package dev.ducklift.samples.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.ducklift.core.DuckliftException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/** When a job fires: at a fixed rate or on a cron expression. */
public sealed interface Schedule permits Schedule.FixedRate, Schedule.CronSchedule {

  /**
   * The first fire time strictly after {@code previousFire} (the scheduled time of the previous
   * fire, or the time the job was registered); empty when the schedule never fires again.
   */
  Optional<Instant> nextAfter(Instant previousFire);

  /** Fires every {@code period}, starting one period after registration. */
  static Schedule every(Duration period) {
    return new FixedRate(period);
  }

  /**
   * Fires on a cron expression in {@code zone}: five fields (Unix: minute hour day-of-month month
   * day-of-week) or six fields with seconds first (Spring style, e.g. {@code *}{@code /10 * * * *
   * *}).
   *
   * @throws DuckliftException naming the expression when it cannot be parsed
   */
  static Schedule cron(String expression, ZoneId zone) {
    return new CronSchedule(expression, zone);
  }

  /** {@link #cron(String, ZoneId)} in UTC. */
  static Schedule cron(String expression) {
    return new CronSchedule(expression, ZoneOffset.UTC);
  }

  /**
   * A fixed-rate schedule.
   *
   * @param period the time between fires (positive)
   */
  record FixedRate(Duration period) implements Schedule {
    public FixedRate {
      Objects.requireNonNull(period, "period");
      if (period.isZero() || period.isNegative()) {
        throw new IllegalArgumentException("Schedule period must be positive: " + period);
      }
    }

    @Override
    public Optional<Instant> nextAfter(Instant previousFire) {
      return Optional.of(previousFire.plus(period));
    }

    @Override
    public String toString() {
      return "every " + period;
    }
  }

  /**
   * A cron schedule, parsed and evaluated by cron-utils.
   *
   * @param expression the cron expression (5 or 6 fields)
   * @param zone the time zone the expression is read in
   */
  record CronSchedule(String expression, ZoneId zone) implements Schedule {
    public CronSchedule {
      Objects.requireNonNull(expression, "expression");
      Objects.requireNonNull(zone, "zone");
      parse(expression);
    }

    private static ExecutionTime parse(String expression) {
      String trimmed = expression.trim();
      int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
      CronType type =
          switch (fields) {
            case 5 -> CronType.UNIX;
            case 6 -> CronType.SPRING53;
            default ->
                throw new DuckliftException(
                    "Cron expression '"
                        + expression
                        + "' has "
                        + fields
                        + " fields; expected 5 (minute hour day month weekday) or 6 (seconds"
                        + " first)");
          };
      try {
        Cron cron =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(trimmed);
        cron.validate();
        return ExecutionTime.forCron(cron);
      } catch (IllegalArgumentException e) {
        throw new DuckliftException(
            "Invalid cron expression '" + expression + "': " + e.getMessage(), e);
      }
    }

    @Override
    public Optional<Instant> nextAfter(Instant previousFire) {
      return parse(expression)
          .nextExecution(previousFire.atZone(zone))
          .map(next -> next.toInstant());
    }

    @Override
    public String toString() {
      return "cron '" + expression + "' " + zone;
    }
  }
}
