package dev.ducklift.samples.schedule;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs (pipeline runs, maintenance) on fixed-rate or cron {@link Schedule}s.
 *
 * <ul>
 *   <li>No overlap: a job's fires run one after another in this process, and each attempt holds the
 *       job's lease in a shared {@link LeaseStore}, so no other process runs the same job at the
 *       same time. A fire that finds the lease held elsewhere is recorded as {@link
 *       RunRecord.Status#SKIPPED}. The lease is renewed while the job runs and lapses on its own if
 *       this process dies.
 *   <li>Missed fires (the job ran longer than its period, or the process was paused) are not caught
 *       up in a burst: the next fire is the first one after now.
 *   <li>Failures are retried with backoff per the job's {@link RetryPolicy}, reported to the {@link
 *       SchedulerListener}, and every attempt is appended to the {@link RunHistory}.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops firing and waits for running attempts.
 */
public final class Scheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private final LeaseStore leases;
  private final RunHistory history;
  private final String owner;
  private final Duration leaseTtl;
  private final Clock clock;
  private final SchedulerListener listener;
  private final ScheduledExecutorService executor;
  private final ScheduledExecutorService heartbeats;
  private final Map<String, Entry> jobs = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean closed;

  private Scheduler(Builder b) {
    this.leases = Objects.requireNonNull(b.leases, "leases");
    this.history = Objects.requireNonNull(b.history, "history");
    this.owner = b.owner != null ? b.owner : defaultOwner();
    this.leaseTtl = b.leaseTtl;
    this.clock = b.clock;
    this.listener = b.listener;
    AtomicInteger n = new AtomicInteger();
    java.util.concurrent.ScheduledThreadPoolExecutor pool =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            b.threads,
            r -> {
              Thread t = new Thread(r, "ducklift-scheduler-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.executor = pool;
    this.heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ducklift-lease-heartbeat");
              t.setDaemon(true);
              return t;
            });
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This process's lease owner id. */
  public String owner() {
    return owner;
  }

  public RunHistory history() {
    return history;
  }

  /**
   * Registers a job. Its first fire is the schedule's first time after now (after {@link #start()}
   * if not started yet).
   *
   * @throws IllegalArgumentException when a job of that name is registered already
   */
  public void schedule(String name, Schedule schedule, Job job, RetryPolicy retry) {
    Entry entry = new Entry(name, schedule, job, retry);
    if (jobs.putIfAbsent(name, entry) != null) {
      throw new IllegalArgumentException("A job named '" + name + "' is already scheduled");
    }
    if (started) {
      scheduleNext(entry, clock.instant());
    }
  }

  /** Starts firing the registered jobs. */
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    Instant now = clock.instant();
    for (Entry entry : jobs.values()) {
      scheduleNext(entry, now);
    }
  }

  /**
   * Runs one fire of a registered job now, on the calling thread, with its retries (sleeping
   * between attempts).
   *
   * @return every attempt's record, in order
   */
  public List<RunRecord> runNow(String name) {
    Entry entry = jobs.get(name);
    if (entry == null) {
      throw new IllegalArgumentException("No job named '" + name + "'");
    }
    Instant scheduledFor = clock.instant();
    List<RunRecord> records = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      RunRecord record = attempt(entry, scheduledFor, attempt);
      records.add(record);
      if (record.status() != RunRecord.Status.FAILED
          || attempt >= entry.retry.maxAttempts()
          || entry.lastFailurePermanent) {
        listener.fireFinished(record);
        return records;
      }
      Duration backoff = entry.retry.backoffAfter(attempt);
      listener.retryScheduled(record, backoff);
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return records;
      }
    }
  }

  /** When the job fires next, if it is scheduled. */
  public Optional<Instant> nextFire(String name) {
    Entry entry = jobs.get(name);
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.nextFire);
  }

  private void scheduleNext(Entry entry, Instant previousFire) {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    Optional<Instant> next = entry.schedule.nextAfter(previousFire);
    if (next.isPresent() && next.get().isBefore(now)) {
      next = entry.schedule.nextAfter(now);
    }
    if (next.isEmpty()) {
      entry.nextFire = null;
      return;
    }
    Instant at = next.get();
    entry.nextFire = at;
    listener.nextFireScheduled(entry.name, at);
    submit(() -> fire(entry, at, 1), Duration.between(now, at));
  }

  private void fire(Entry entry, Instant scheduledFor, int attempt) {
    if (closed) {
      return;
    }
    RunRecord record = attempt(entry, scheduledFor, attempt);
    if (record.status() == RunRecord.Status.FAILED
        && attempt < entry.retry.maxAttempts()
        && !entry.lastFailurePermanent) {
      Duration backoff = entry.retry.backoffAfter(attempt);
      listener.retryScheduled(record, backoff);
      submit(() -> fire(entry, scheduledFor, attempt + 1), backoff);
    } else {
      listener.fireFinished(record);
      scheduleNext(entry, scheduledFor);
    }
  }

  private void submit(Runnable task, Duration delay) {
    try {
      executor.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  private RunRecord attempt(Entry entry, Instant scheduledFor, int attempt) {
    Instant startedAt = clock.instant();
    if (!leases.tryAcquire(entry.name, owner, leaseTtl)) {
      String holder = leases.current(entry.name).map(Lease::owner).orElse("another process");
      RunRecord skipped =
          new RunRecord(
              entry.name,
              scheduledFor,
              attempt,
              RunRecord.Status.SKIPPED,
              startedAt,
              clock.instant(),
              owner,
              null,
              "Lease held by " + holder);
      record(skipped);
      return skipped;
    }
    long renewEvery = Math.max(1, leaseTtl.toMillis() / 3);
    ScheduledFuture<?> heartbeat =
        heartbeats.scheduleAtFixedRate(
            () -> renew(entry.name), renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    RunRecord result;
    entry.lastFailurePermanent = false;
    try {
      listener.attemptStarted(entry.name, scheduledFor, attempt);
      String summary = entry.job.run();
      result =
          new RunRecord(
              entry.name,
              scheduledFor,
              attempt,
              RunRecord.Status.SUCCEEDED,
              startedAt,
              clock.instant(),
              owner,
              summary,
              null);
    } catch (Throwable e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof Error && !(e instanceof AssertionError)) {
        heartbeat.cancel(false);
        leases.release(entry.name, owner);
        throw (Error) e;
      }
      entry.lastFailurePermanent = e instanceof PermanentFailure;
      // The failure is kept in the history and reported; the scheduler itself carries on.
      LOG.warn("Job '{}' attempt {} failed: {}", entry.name, attempt, e.toString());
      result =
          new RunRecord(
              entry.name,
              scheduledFor,
              attempt,
              RunRecord.Status.FAILED,
              startedAt,
              clock.instant(),
              owner,
              null,
              e.getMessage() == null ? e.getClass().getName() : e.getMessage());
    } finally {
      heartbeat.cancel(false);
    }
    leases.release(entry.name, owner);
    record(result);
    return result;
  }

  private void renew(String job) {
    try {
      if (!leases.renew(job, owner, leaseTtl)) {
        listener.leaseLost(job);
      }
    } catch (RuntimeException e) {
      // A transient store error: the next heartbeat tries again well before the lease lapses.
      LOG.warn("Cannot renew the lease of job '{}': {}", job, e.toString());
    }
  }

  private void record(RunRecord record) {
    history.append(record);
    listener.attemptFinished(record);
  }

  /** Stops firing, waits up to {@code wait} for running attempts, and releases threads. */
  public void close(Duration wait) {
    closed = true;
    // Pending fires are dropped; a running attempt finishes (and releases its lease) first.
    executor.shutdown();
    try {
      if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    heartbeats.shutdownNow();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  private static String defaultOwner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    String pid = ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
    return host + "/" + pid + "/" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static final class Entry {
    final String name;
    final Schedule schedule;
    final Job job;
    final RetryPolicy retry;
    volatile Instant nextFire;
    volatile boolean lastFailurePermanent;

    Entry(String name, Schedule schedule, Job job, RetryPolicy retry) {
      this.name = Objects.requireNonNull(name, "name");
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      this.job = Objects.requireNonNull(job, "job");
      this.retry = retry == null ? RetryPolicy.NONE : retry;
    }
  }

  /** Builds a {@link Scheduler}. */
  public static final class Builder {
    private LeaseStore leases;
    private RunHistory history;
    private String owner;
    private Duration leaseTtl = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private SchedulerListener listener = new SchedulerListener() {};
    private int threads = 2;

    private Builder() {}

    /** Leases and history in one working directory (file leases, {@code run-history.jsonl}). */
    public Builder workingDirectory(java.nio.file.Path directory) {
      this.leases = new FileLeaseStore(directory);
      this.history = RunHistory.in(directory);
      return this;
    }

    public Builder leases(LeaseStore leases) {
      this.leases = leases;
      return this;
    }

    public Builder history(RunHistory history) {
      this.history = history;
      return this;
    }

    /** This process's lease owner id; defaults to host/pid/random. */
    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    /** How long a lease outlives a dead holder; renewed every third of it. Default 30 s. */
    public Builder leaseTtl(Duration ttl) {
      if (ttl.toMillis() < 3) {
        throw new IllegalArgumentException("Lease time to live is too short: " + ttl);
      }
      this.leaseTtl = ttl;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder listener(SchedulerListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Threads running jobs (jobs run concurrently with each other, never with themselves). */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("Threads must be at least 1: " + threads);
      }
      this.threads = threads;
      return this;
    }

    public Scheduler build() {
      return new Scheduler(this);
    }
  }
}
